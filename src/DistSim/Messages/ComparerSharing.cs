using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace DistSim.Messages;

/// <summary>
/// Whether a comparer may be shared by a copy rather than copied: when it cannot change. A deeply immutable comparer
/// (<c>EqualityComparer&lt;T&gt;.Default</c>, <c>StringComparer.Ordinal</c>, a user comparer without mutable fields) can
/// be; so can a BCL comparer whose fields are all readonly and hold only such comparers, culture data
/// (<see cref="CompareInfo"/>), or delegates that capture nothing (<c>Comparer&lt;T&gt;.Create(static …)</c>). A user
/// comparer with a mutable field, or a BCL comparer wrapping one, is copied. Verdicts are cached per instance: a
/// shareable comparer's fields never change.
/// </summary>
internal static class ComparerSharing
{
    private const int DepthLimit = 8;

    private static readonly ConditionalWeakTable<object, StrongBox<bool>> Verdicts = [];

    public static bool CanShare(object comparer)
    {
        Type type = comparer.GetType();
        if (TypeFacts.Of(type).IsDeeplyImmutable)
        {
            return true;
        }

        if (!TypeRules.IsBcl(type))
        {
            return false; // a user comparer with a mutable field
        }

        if (Verdicts.TryGetValue(comparer, out StrongBox<bool>? verdict))
        {
            return verdict.Value;
        }

        bool shareable = Compute(comparer, 0);
        Verdicts.AddOrUpdate(comparer, new StrongBox<bool>(shareable));
        return shareable;
    }

    private static bool Compute(object comparer, int depth)
    {
        Type type = comparer.GetType();
        if (TypeFacts.Of(type).IsDeeplyImmutable)
        {
            return true;
        }

        if (depth == DepthLimit || !TypeRules.IsBcl(type) || !TypeRules.IsComparer(type) || TypeFacts.Of(type).Refusal is not null)
        {
            return false;
        }

        foreach (FieldInfo f in TypeRules.InstanceFields(type))
        {
            if (!f.IsInitOnly)
            {
                return false;
            }

            if (TypeFacts.Of(f.FieldType).IsPlainData)
            {
                continue;
            }

            bool part = f.GetValue(comparer) switch
            {
                null => true,
                Delegate d => Encoder.IsStateless(d),
                CompareInfo => true,
                { } v when v.GetType().IsValueType => TypeFacts.Of(v.GetType()).IsPlainData,
                { } v => Compute(v, depth + 1),
            };
            if (!part)
            {
                return false;
            }
        }

        return true;
    }
}

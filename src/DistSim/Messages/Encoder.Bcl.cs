using System.Globalization;
using System.Reflection;
using System.Text;

namespace DistSim.Messages;

/// <summary>BCL values written by what a receiver observes rather than by their fields: URIs, string comparers, stateless delegates.</summary>
internal sealed partial class Encoder
{
    /// <summary>Reads the <c>DisablePathAndQueryCanonicalization</c> bit of a Uri's private flags (null if this runtime has none).</summary>
    private static readonly Func<Uri, bool>? CanonicalizationDisabled = MakeCanonicalizationProbe();

    /// <summary>
    /// A <see cref="Uri"/>: its original string, then one byte of the options that change how that string was parsed —
    /// bit 0 absolute, bit 1 <see cref="Uri.UserEscaped"/>, bit 2 <see cref="UriCreationOptions.DangerousDisablePathAndQueryCanonicalization"/>.
    /// The same string parses to another <see cref="Uri.AbsolutePath"/> (<c>/a/../b</c> or <c>/b</c>), or to a relative or an
    /// absolute URI (<c>/p</c> on Unix), depending on these. Everything else a receiver can ask is a function of the four.
    /// </summary>
    public void WriteUri(Uri value)
    {
        WriteString(value.OriginalString);
        int flags = (value.IsAbsoluteUri ? 1 : 0) | (value.UserEscaped ? 2 : 0) | (CanonicalizationDisabled?.Invoke(value) == true ? 4 : 0);
        WriteByte((byte)flags);
    }

    /// <summary>
    /// A BCL string comparer a receiver can only tell by behaviour: <c>1</c> + ignore-case byte for an ordinal one,
    /// <c>2</c> + culture name + <see cref="CompareOptions"/> for a culture-aware one (which holds a native handle and cannot
    /// be written by its fields). Otherwise writes <c>0</c> and returns false: the caller writes the fields.
    /// </summary>
    public bool TryWriteStringComparer(IEqualityComparer<string?> comparer)
    {
        if (StringComparer.IsWellKnownOrdinalComparer(comparer, out bool ignoreCase))
        {
            WriteByte(1);
            WriteBool(ignoreCase);
            return true;
        }

        if (StringComparer.IsWellKnownCultureAwareComparer(comparer, out CompareInfo? info, out CompareOptions options))
        {
            WriteByte(2);
            WriteString(info.Name);
            WriteInt32((int)options);
            return true;
        }

        WriteByte(0);
        return false;
    }

    /// <summary>
    /// The delegate a BCL comparer wraps (<c>Comparer&lt;T&gt;.Create</c>): null, or, if it captures nothing, the exact-type
    /// marker and the identity of its methods (code, the same in the receiver's process). One that captures state is
    /// refused as any delegate is: it is bound to the sender's objects.
    /// </summary>
    public void WriteStatelessDelegate(Delegate? value, Slot slot)
    {
        if (value is null)
        {
            WriteByte(Null);
            return;
        }

        if (!IsStateless(value))
        {
            WriteRef(value, slot, -1); // throws: a delegate is refused
        }

        WriteByte(Exact);
        WriteStringBody(MethodIdentity(value));
    }

    /// <summary>Each method of the invocation list has no target, or a target without instance fields (a non-capturing lambda's cache).</summary>
    public static bool IsStateless(Delegate value)
    {
        foreach (Delegate part in value.GetInvocationList())
        {
            if (part.Target is { } target && TypeRules.InstanceFields(target.GetType()).Length > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static string MethodIdentity(Delegate value)
    {
        var sb = new StringBuilder();
        foreach (Delegate part in value.GetInvocationList())
        {
            MethodInfo m = part.Method;
            sb.Append(m.DeclaringType is { } d ? TypeNames.StableName(d) : "?").Append("::").Append(m.Name);
            if (m.IsGenericMethod)
            {
                sb.Append('[').AppendJoin(',', m.GetGenericArguments().Select(TypeNames.StableName)).Append(']');
            }

            sb.Append('(').AppendJoin(',', m.GetParameters().Select(p => TypeNames.StableName(p.ParameterType))).Append(");");
        }

        return sb.ToString();
    }

    private static Func<Uri, bool>? MakeCanonicalizationProbe()
    {
        FieldInfo? flags = typeof(Uri).GetField("_flags", BindingFlags.Instance | BindingFlags.NonPublic);
        if (flags is null || !flags.FieldType.IsEnum || !Enum.IsDefined(flags.FieldType, "DisablePathAndQueryCanonicalization"))
        {
            return null;
        }

        ulong bit = Convert.ToUInt64(Enum.Parse(flags.FieldType, "DisablePathAndQueryCanonicalization"), CultureInfo.InvariantCulture);
        return uri => (Convert.ToUInt64(flags.GetValue(uri), CultureInfo.InvariantCulture) & bit) != 0;
    }
}

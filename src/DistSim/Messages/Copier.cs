using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DistSim.Messages;

/// <summary>
/// Signals, inside a copy, that the graph is refused. For a refusal the encoder shares, <see cref="MessageCopier"/> asks
/// the encoder for the exact path; one only the copier makes (a collection it cannot copy faithfully) carries its path.
/// </summary>
internal sealed class CopyRefusedException(MessageRefusalReason reason, Type type) : Exception("The message graph cannot be copied.")
{
    public MessageRefusalReason Reason { get; } = reason;

    public Type RefusedType { get; } = type;

    /// <summary>For a refusal of the copier's own: the member path, the type declaring its last member, and why.</summary>
    public (string Path, Type DeclaringType, string Detail)? Own { get; init; }
}

/// <summary>
/// The state of one deep copy: the clones made so far (so shared objects stay shared), the ancestors of the
/// current object (cycles are refused as the encoder refuses them), and the internal BCL objects cloned but not
/// yet fixed (processed iteratively: a long linked list does not recurse). One per thread, reused.
/// </summary>
internal sealed class Copier
{
    [ThreadStatic]
    private static Copier? t_cached;

    private readonly IdentityMap<object?> _memo = new();
    private readonly object?[] _ancestors = new object?[MessageCodec.DepthLimit];
    private readonly List<(object Clone, CopyPlan Plan, bool SemanticElements)> _pending = [];
    private int _depth;
    private readonly TypeMemo<CopyPlan> _plans = new();

    public static Copier Rent()
    {
        Copier c = t_cached ?? new Copier();
        t_cached = null;
        return c;
    }

    public void Return()
    {
        _memo.Clear();
        _pending.Clear();
        Array.Clear(_ancestors, 0, _depth); // deeper frames were cleared as they returned
        _depth = 0;
        t_cached = this;
    }

    /// <summary>A value of the message (a field of a user type, an element): memoised, checked for cycles and depth.</summary>
    public object? CopySemantic(object? value)
    {
        if (value is null)
        {
            return null;
        }

        CopyPlan plan = CopyPlan.For(value.GetType(), _plans);
        switch (plan.Kind)
        {
            case CopyKind.Share:
                return value;
            case CopyKind.Refused:
                throw new CopyRefusedException(plan.Refusal!.Reason, value.GetType());
            case CopyKind.Array when Unsafe.As<Array>(value).Length == 0:
                return value;
        }

        // One lookup: a rebuilt collection registers itself; anything else takes its memo entry now and fills it below.
        object? existing = null;
        bool seen;
        ref object? memo = ref Unsafe.NullRef<object?>();
        if (plan.Kind == CopyKind.Rebuild)
        {
            seen = _memo.TryGetValue(value, out existing);
        }
        else
        {
            memo = ref _memo.GetOrAdd(value, out seen);
            existing = memo;
        }

        if (seen)
        {
            for (int i = 0; i < _depth; i++)
            {
                if (ReferenceEquals(_ancestors[i], value))
                {
                    throw new CopyRefusedException(MessageRefusalReason.Cycle, value.GetType());
                }
            }

            return existing;
        }

        int depth = _depth;
        if (depth == MessageCodec.DepthLimit || ((depth & 31) == 31 && !RuntimeHelpers.TryEnsureSufficientExecutionStack()))
        {
            throw new CopyRefusedException(MessageRefusalReason.TooDeep, value.GetType());
        }

        _ancestors[depth] = value;
        _depth = depth + 1;
        int mark = _pending.Count;
        object clone;
        if (plan.Kind == CopyKind.Rebuild)
        {
            clone = plan.Rebuild!(value, this);
        }
        else
        {
            clone = plan.Clone!(value);
            memo = clone; // before anything else is added to the memo
            Fix(clone, plan, semanticElements: true);
        }

        Drain(mark);
        plan.Keyed?.Check(value, clone, this);
        _ancestors[depth] = null;
        _depth = depth;
        return clone;
    }

    /// <summary>Internal structure of a BCL object: memoised, cycles allowed, fixed later (no recursion). User objects met here are values.</summary>
    public object? CopyRaw(object? value) => CopyRawArray(value, semanticElements: false);

    /// <summary>As <see cref="CopyRaw"/>; for an array, whether its elements are values of the message (a <c>T[]</c> in a <c>List&lt;T&gt;</c>).</summary>
    public object? CopyRawArray(object? value, bool semanticElements)
    {
        if (value is null)
        {
            return null;
        }

        CopyPlan plan = CopyPlan.For(value.GetType(), _plans);
        switch (plan.Kind)
        {
            case CopyKind.Share:
                return value;
            case CopyKind.Refused:
                throw new CopyRefusedException(plan.Refusal!.Reason, value.GetType());
            case CopyKind.Rebuild:
                return _memo.TryGetValue(value, out object? rebuilt) ? rebuilt : CopySemantic(value);
            case CopyKind.Array when Unsafe.As<Array>(value).Length == 0:
                return value;
        }

        if (!plan.IsBcl || plan.Keyed is { Rebuildable: true })
        {
            // A user object (a user collection a view points back to), or a keyed collection that can be rebuilt (checked
            // once complete, see CopySemantic; internal tables of other collections are checked through their owner).
            // Met before: internal structure may point back, so no cycle check here; values were checked where they are values.
            return _memo.TryGetValue(value, out object? copied) ? copied : CopySemantic(value);
        }

        ref object? memo = ref _memo.GetOrAdd(value, out bool seen);
        if (seen)
        {
            return memo;
        }

        object clone = plan.Clone!(value);
        memo = clone;
        if (plan.NeedsFix)
        {
            _pending.Add((clone, plan, semanticElements));
        }

        return clone;
    }

    /// <summary>Records a rebuilt collection before its elements are copied (they may refer back to it).</summary>
    public void Register(object original, object copy) => _memo.GetOrAdd(original, out _) = copy;

    /// <summary>
    /// A comparer of a collection: shared when it cannot change — deeply immutable, or a BCL comparer whose parts are
    /// (see <see cref="ComparerSharing"/>) — and otherwise copied as any value, so that the sender flipping a field of
    /// its comparer cannot change what the receiver's collection finds.
    /// </summary>
    public object? CopyComparer(object? comparer) =>
        comparer is null || ComparerSharing.CanShare(comparer) ? comparer : CopySemantic(comparer);

    /// <summary>A refusal of the copier's own, naming the path from the root to the object being copied.</summary>
    public CopyRefusedException Refuse(MessageRefusalReason reason, string detail)
    {
        object current = _ancestors[_depth - 1]!;
        (string path, Type declaring) = PathFinder.Describe(_ancestors.AsSpan(0, _depth));
        return new CopyRefusedException(reason, current.GetType()) { Own = (path, declaring, detail) };
    }

    private void Drain(int mark)
    {
        while (_pending.Count > mark)
        {
            (object clone, CopyPlan plan, bool semanticElements) = _pending[^1];
            _pending.RemoveAt(_pending.Count - 1);
            Fix(clone, plan, semanticElements);
        }
    }

    private void Fix(object clone, CopyPlan plan, bool semanticElements)
    {
        if (plan.Fix is { } fix)
        {
            fix(clone, this);
            return;
        }

        switch (plan.Elements)
        {
            case ElementKind.References:
                ref object? first = ref Unsafe.As<byte, object?>(ref MemoryMarshal.GetArrayDataReference(Unsafe.As<Array>(clone)));
                int n = Unsafe.As<Array>(clone).Length;
                for (int i = 0; i < n; i++)
                {
                    ref object? e = ref Unsafe.Add(ref first, i);
                    if (e is not null)
                    {
                        e = semanticElements ? CopySemantic(e) : CopyRaw(e);
                    }
                }

                break;
            case ElementKind.Structs:
                plan.StructElements!.Fix(Unsafe.As<Array>(clone), this);
                break;
        }
    }
}

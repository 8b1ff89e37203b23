using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace DistSim.Messages;

/// <summary>
/// The state of one encoding: the output buffer, the identities seen (for back-references), and the path
/// from the root (for cycles and error messages). One per thread, reused: encoding allocates nothing after
/// warm-up but the output.
/// </summary>
internal sealed partial class Encoder
{
    public const byte Null = 0;
    public const byte BackReference = 1;
    public const byte Exact = 2;
    public const byte Tagged = 3;

    [ThreadStatic]
    private static Encoder? t_cached;

    // A second one per thread, for an encoding nested in another (the keys of a hash-ordered collection, HashOrder):
    // without it every nested encoding would build a new encoder (three arrays of DepthLimit entries).
    [ThreadStatic]
    private static Encoder? t_spare;

    private readonly IdentityMap<int> _ids = new();
    private readonly object?[] _ancestors = new object?[MessageCodec.DepthLimit];
    private readonly Slot[] _frames = new Slot[MessageCodec.DepthLimit];
    private readonly int[] _indexes = new int[MessageCodec.DepthLimit];
    private int _depth;
    private int _nextId;
    private Type _rootType = typeof(object);

    public static Encoder Rent(IBufferWriter<byte>? sink)
    {
        Encoder e;
        if (t_cached is { } cached)
        {
            e = cached;
            t_cached = null;
        }
        else if (t_spare is { } spare)
        {
            e = spare;
            t_spare = null;
        }
        else
        {
            e = new Encoder();
        }

        e._sink = sink;
        return e;
    }

    public void Return()
    {
        _ids.Clear();
        Array.Clear(_ancestors, 0, _depth); // deeper frames were cleared as they returned
        _depth = 0;
        _nextId = 0;
        _sink = null;
        _pos = 0;
        if (_buffer.Length > KeptBuffer)
        {
            _buffer = new byte[InitialBuffer];
        }

        if (t_cached is null)
        {
            t_cached = this;
        }
        else
        {
            t_spare = this;
        }
    }

    public void EncodeRoot(object? value)
    {
        WriteByte(MessageCodec.FormatVersion);
        _rootType = value?.GetType() ?? typeof(object);
        WriteRef(value, Slot.Root, -1);
        if (_sink is not null)
        {
            Flush();
        }
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _pos).ToArray();

    /// <summary>
    /// A reference: <c>0</c> null; <c>1</c> + id (int32) for an object met before; otherwise <c>2</c> (runtime type = static
    /// type) or <c>3</c> + type tag (uint64), then the body.
    /// </summary>
    public void WriteRef(object? value, Slot slot, int index)
    {
        if (value is null)
        {
            WriteByte(Null);
            return;
        }

        Type type = value.GetType();
        EncodePlan plan = slot.Cached;
        if (plan.Type != type)
        {
            plan = EncodePlan.For(type);
            slot.Cached = plan;
        }

        if (plan.IsString)
        {
            WriteMarker(plan, slot);
            WriteStringBody(Unsafe.As<string>(value));
            return;
        }

        if (plan.Refusal is { } refusal)
        {
            throw Refused(refusal, slot, index);
        }

        if (plan.Tracked)
        {
            ref int id = ref _ids.GetOrAdd(value, out bool seen);
            if (seen)
            {
                int existing = id;
                CheckNotAncestor(value, slot, index);
                WriteByte(BackReference);
                WriteInt32(existing);
                return;
            }

            id = _nextId++;
        }

        int depth = _depth;
        if (depth == MessageCodec.DepthLimit || ((depth & 31) == 31 && !RuntimeHelpers.TryEnsureSufficientExecutionStack()))
        {
            throw TooDeep(slot, index);
        }

        _frames[depth] = slot;
        _indexes[depth] = index;
        _ancestors[depth] = value;
        _depth = depth + 1;
        WriteMarker(plan, slot);
        plan.Write!(value, this);
        _ancestors[depth] = null;
        _depth = depth;
    }

    /// <summary>Called by a collection body when the enumeration yielded a different number of elements than its count.</summary>
    public void ThrowInconsistent(int counted, int enumerated)
    {
        Slot slot = _frames[_depth - 1];
        int index = _indexes[_depth - 1];
        _depth--;
        string path = Path(slot, index, null);
        throw new MessageEncodingException(
            $"Cannot encode {path}: its count said {counted} elements but its enumeration yielded {enumerated}; {Explain(MessageRefusalReason.InconsistentCollection)}.",
            ReferenceEquals(slot, Slot.Root) ? _rootType : slot.DeclaringType, path, MessageRefusalReason.InconsistentCollection);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteMarker(EncodePlan plan, Slot slot)
    {
        if (plan.Type == slot.StaticType)
        {
            WriteByte(Exact);
        }
        else
        {
            WriteByte(Tagged);
            WriteUInt64(plan.Tag);
        }
    }

    private void CheckNotAncestor(object value, Slot slot, int index)
    {
        for (int i = _depth - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_ancestors[i], value))
            {
                string path = Path(slot, index, null);
                string first = PathPrefix(i + 1);
                throw new MessageEncodingException(
                    $"Cannot encode {path}: it refers back to {first}, which contains it (a cycle); {Explain(MessageRefusalReason.Cycle)}.",
                    slot.DeclaringType, path, MessageRefusalReason.Cycle);
            }
        }
    }

    private MessageEncodingException Refused(Refusal refusal, Slot slot, int index)
    {
        bool atRoot = ReferenceEquals(slot, Slot.Root);
        string path = Path(slot, index, refusal.Member);
        Type type = refusal.Member is not null ? refusal.DeclaringType : atRoot ? refusal.Offending : slot.DeclaringType;
        string what = refusal.Member is not null
            ? $"{TypeNames.Friendly(refusal.DeclaringType)}.{refusal.Member} is declared as {TypeNames.Friendly(refusal.Offending)}"
            : $"it holds a {TypeNames.Friendly(refusal.Offending)}";
        return new MessageEncodingException($"Cannot encode {path}: {what}; {Explain(refusal.Reason)}.", type, path, refusal.Reason);
    }

    private MessageEncodingException TooDeep(Slot slot, int index)
    {
        string path = Path(slot, index, null);
        string shown = path.Length <= 200 ? path : path[..80] + " … " + path[^100..];
        return new MessageEncodingException(
            $"Cannot encode {shown}: it is nested {_depth + 1} objects deep; {Explain(MessageRefusalReason.TooDeep)}.",
            ReferenceEquals(slot, Slot.Root) ? _rootType : slot.DeclaringType, path, MessageRefusalReason.TooDeep);
    }

    /// <summary>The path of the frames on the stack, then <paramref name="slot"/> (unless it is the root), then an inner member.</summary>
    private string Path(Slot slot, int index, string? member)
    {
        var sb = new StringBuilder(PathPrefix(_depth));
        if (!ReferenceEquals(slot, Slot.Root))
        {
            Append(sb, slot, index);
        }

        if (member is not null)
        {
            sb.Append(member.StartsWith('[') ? "" : ".").Append(member);
        }

        return sb.ToString();
    }

    private string PathPrefix(int frames)
    {
        var sb = new StringBuilder(TypeNames.Friendly(_rootType));
        for (int i = 1; i < frames; i++)
        {
            Append(sb, _frames[i], _indexes[i]);
        }

        return sb.ToString();
    }

    private static void Append(StringBuilder sb, Slot slot, int index)
    {
        if (slot.IsElement)
        {
            sb.Append('[').Append(index).Append(']').Append(slot.Name);
        }
        else
        {
            sb.Append('.').Append(slot.Name);
        }
    }

    private static string Explain(MessageRefusalReason reason) => reason switch
    {
        MessageRefusalReason.Delegate => "a delegate (or event) is code bound to the sender's objects, not data: send data that names the action instead",
        MessageRefusalReason.Pointer => "a pointer is an address in the sender's memory",
        MessageRefusalReason.NativeInteger => "an IntPtr or UIntPtr is a native handle or address of the sender's process",
        MessageRefusalReason.Reflection => "a Type, MemberInfo or Assembly describes code, not data: send its name instead",
        MessageRefusalReason.Resource => "a disposable BCL type (stream, task, wait handle, timer, lock, cancellation source, …) is a handle to the sender's resources, not data",
        MessageRefusalReason.RefLike => "by-ref and by-ref-like types cannot live in a message",
        MessageRefusalReason.InlineBuffer => "fixed-size buffers and inline arrays are not supported (their elements are not fields)",
        MessageRefusalReason.Cycle => "a message is a value (a tree or a DAG); an object reachable from itself cannot be sent",
        MessageRefusalReason.TooDeep => $"messages may nest at most {MessageCodec.DepthLimit} objects deep",
        _ => "a collection must enumerate exactly as many elements as its count",
    };
}

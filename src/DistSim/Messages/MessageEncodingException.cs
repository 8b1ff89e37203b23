namespace DistSim.Messages;

/// <summary>
/// A message graph cannot be encoded or copied faithfully: it holds a delegate, a pointer, a native
/// handle, a reflection object, a resource handle, a cycle, or it nests too deeply.
/// </summary>
/// <remarks>
/// Thrown by <see cref="MessageCodec.Encode(object?)"/> and <see cref="MessageCopier.DeepCopy(object)"/>
/// with the same rules, so a message that can be copied can be signed, and the other way round. The
/// message names the member path from the root (<c>Batch.Items[3].Next.Callback</c>), the type that
/// declares the offending member, and why it is refused (<c>docs/concepts/messages.md</c>).
/// </remarks>
public sealed class MessageEncodingException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full explanation.</param>
    /// <param name="type">The type that declares the offending member (or the offending type itself at the root).</param>
    /// <param name="memberPath">The path from the root, e.g. <c>Order.Callback</c> or <c>Batch.Items[3].Next</c>.</param>
    /// <param name="reason">Why the graph was refused.</param>
    public MessageEncodingException(string message, Type type, string memberPath, MessageRefusalReason reason)
        : base(message, "message")
    {
        Type = type;
        MemberPath = memberPath;
        Reason = reason;
    }

    /// <summary>The type that declares the offending member (for a refused root, the root's type).</summary>
    public Type Type { get; }

    /// <summary>The member path from the root, starting with the root's type name, e.g. <c>Order.Callback</c>.</summary>
    public string MemberPath { get; }

    /// <summary>Why the graph was refused.</summary>
    public MessageRefusalReason Reason { get; }
}

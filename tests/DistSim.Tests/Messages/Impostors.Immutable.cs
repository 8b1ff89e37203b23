// A user type in the BCL's immutable-collections namespace, named like one of them: the immutability rule for the BCL's
// immutable collections applies to the BCL's types only (decided by the defining assembly).
namespace System.Collections.Immutable;

/// <summary>Named like an immutable BCL collection, but its field can change: it is not deeply immutable.</summary>
public sealed class ImmutableLooking<T>
{
    public T? Value;
}

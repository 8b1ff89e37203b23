// A user type declared in a namespace of the BCL's: BCL-ness is decided by the defining assembly, not by the namespace,
// so it is written by its fields like any user type (its secret is covered by MACs and signatures).
namespace System.Collections.Impostor;

/// <summary>Enumerates its items, but a receiver can also read its secret.</summary>
public sealed class SneakyBag(int secret, params int[] items) : IEnumerable<int>
{
    public int Secret { get; set; } = secret;

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

namespace DistSim.Random;

/// <summary>
/// A probability turned into an integer threshold, so that deciding is an integer comparison with one
/// 64-bit draw (floats describe, integers decide).
/// </summary>
internal readonly struct Chance
{
    private readonly ulong _threshold;
    private readonly bool _always;

    public Chance(double probability)
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "must be in [0, 1]");
        }

        _always = probability >= 1;
        // 2^64 * p, computed in double then converted; p < 1 so the product is < 2^64.
        _threshold = _always ? ulong.MaxValue : (ulong)(probability * 18446744073709551616.0);
    }

    /// <summary>Draws exactly once from <paramref name="stream"/> and reports whether the event happens.</summary>
    public bool Happens(RandomStream stream)
    {
        ulong draw = stream.NextUInt64();
        return _always || draw < _threshold;
    }

    /// <summary>The same decision from a bare generator (one draw).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Happens(ref Xoshiro256 state)
    {
        ulong draw = state.Next();
        return _always || draw < _threshold;
    }
}

using DistSim.Time;

namespace DistSim.Samples.TwoGenerals;

/// <summary>The strategies of the Two Generals scenario.</summary>
public enum Strategy
{
    /// <summary>One messenger; A1 attacks regardless, A2 attacks on receipt.</summary>
    Naive,

    /// <summary>A chain of k acknowledgements; each general attacks only if it received its last message of the chain.</summary>
    Acks,

    /// <summary>n messengers at once; A1 attacks regardless, A2 attacks on receipt of any.</summary>
    Redundant,

    /// <summary>A1 repeats the order until confirmed; unconfirmed by the deadline it calls the attack off.</summary>
    TimeoutFallback,
}

/// <summary>What both generals agreed beforehand: the strategy and its timing.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Rounds">k, the acknowledgements in the chain (acks).</param>
/// <param name="Messengers">n, the messengers sent at once (redundant).</param>
/// <param name="AttackAt">T: the attack time A1 proposes; each general decides at T from what it knows.</param>
/// <param name="ConfirmBy">D: A1 needs a confirmation before D (timeout-fallback).</param>
/// <param name="Retry">R: A1 re-sends its order (before D) or its call-off (after D) every R (timeout-fallback).</param>
public sealed record Plan(Strategy Strategy, int Rounds, int Messengers, SimTime AttackAt, SimTime ConfirmBy, TimeSpan Retry)
{
    /// <summary>Index of the last message of the acknowledgement chain that A1 must receive (odd), or -1 if none.</summary>
    public int LastForA1 => Rounds % 2 == 1 ? Rounds : Rounds - 1;

    /// <summary>Index of the last message of the acknowledgement chain that A2 must receive (even).</summary>
    public int LastForA2 => Rounds % 2 == 0 ? Rounds : Rounds - 1;
}

using DistSim.Time;

namespace DistSim.Samples.TwoGenerals;

/// <summary>A messenger of the chain: index 0 is the order "attack at <paramref name="AttackAt"/>", 1, 2, … are acknowledgements.</summary>
/// <param name="Index">Position in the chain; even indices go A1 → A2, odd ones A2 → A1.</param>
/// <param name="AttackAt">The proposed attack time.</param>
public sealed record Messenger(int Index, SimTime AttackAt);

/// <summary>A2's confirmation that it received the order (timeout-fallback).</summary>
/// <param name="AttackAt">The attack time confirmed.</param>
public sealed record Confirm(SimTime AttackAt);

/// <summary>A1 calls the attack off (timeout-fallback).</summary>
/// <param name="AttackAt">The attack time cancelled.</param>
public sealed record CallOff(SimTime AttackAt);

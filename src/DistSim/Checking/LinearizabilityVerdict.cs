namespace DistSim.Checking;

/// <summary>What <see cref="Linearizability.Analyze"/> concluded.</summary>
public enum LinearizabilityVerdict
{
    /// <summary>There is a linearization: a total order of the operations, consistent with real time, that the model accepts.</summary>
    Linearizable,

    /// <summary>There is none: the search tried every order and found a violation.</summary>
    NotLinearizable,

    /// <summary>The search stopped before it could decide; <see cref="LinearizabilityResult{TState, TInput, TOutput}.UnknownReason"/> says why.</summary>
    Unknown,
}

/// <summary>Why a check ended with <see cref="LinearizabilityVerdict.Unknown"/>.</summary>
public enum UnknownReason
{
    /// <summary>The verdict is known (not <see cref="LinearizabilityVerdict.Unknown"/>).</summary>
    None,

    /// <summary>The search used up <see cref="LinearizabilityOptions.MaxSteps"/> (deterministic: the same history and budget stop at the same step).</summary>
    StepLimit,

    /// <summary>The search ran out of <see cref="LinearizabilityOptions.TimeLimit"/> (wall-clock time: not deterministic).</summary>
    TimeLimit,

    /// <summary>The caller's cancellation token was cancelled.</summary>
    Cancelled,
}

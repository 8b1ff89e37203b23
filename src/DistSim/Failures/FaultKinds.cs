namespace DistSim.Failures;

/// <summary>
/// The fault behaviours a failure model may produce. The built-in models form a strict chain:
/// crash-stop {Stop} ⊂ crash-recover {Stop, Restart} ⊂ omission {…, DropSend, DropReceive} ⊂
/// Byzantine {…, Lie, Forge, Equivocate, Tamper, Replay, Silence}. The numeric values are part of the
/// trace format: never renumber.
/// </summary>
[Flags]
public enum FaultKinds
{
    /// <summary>No fault: a correct node.</summary>
    None = 0,

    /// <summary>The node stops (crashes): it runs no more handlers, its timers die, its memory is lost.</summary>
    Stop = 1 << 0,

    /// <summary>A stopped node starts again, as a new object, with only its flushed durable storage.</summary>
    Restart = 1 << 1,

    /// <summary>Packets the node sends vanish (send omission).</summary>
    DropSend = 1 << 2,

    /// <summary>Packets sent to the node vanish (receive omission).</summary>
    DropReceive = 1 << 3,

    /// <summary>The node sends values other than its protocol says.</summary>
    Lie = 1 << 4,

    /// <summary>The node sends messages claiming another sender.</summary>
    Forge = 1 << 5,

    /// <summary>The node sends different messages to different peers where it should send the same.</summary>
    Equivocate = 1 << 6,

    /// <summary>The node mutates the messages it sends.</summary>
    Tamper = 1 << 7,

    /// <summary>The node sends old messages again.</summary>
    Replay = 1 << 8,

    /// <summary>The node stays silent while it keeps running.</summary>
    Silence = 1 << 9,

    /// <summary>Crash-recover (crash-stop is <see cref="Stop"/> alone).</summary>
    CrashRecover = Stop | Restart,

    /// <summary>Omission.</summary>
    Omission = CrashRecover | DropSend | DropReceive,

    /// <summary>Byzantine: anything.</summary>
    Byzantine = Omission | Lie | Forge | Equivocate | Tamper | Replay | Silence,
}

/// <summary>Formatting of <see cref="FaultKinds"/>.</summary>
public static class FaultKindsExtensions
{
    /// <summary>The single behaviours in the set, in declaration order, e.g. <c>Stop, Restart</c> (<c>None</c> when empty).</summary>
    /// <param name="kinds">A set of behaviours.</param>
    public static string Describe(this FaultKinds kinds)
    {
        var names = new List<string>();
        for (int bit = 0; bit < 31; bit++)
        {
            var single = (FaultKinds)(1 << bit);
            if ((kinds & single) != 0)
            {
                names.Add(Enum.GetName(single) ?? single.ToString());
            }
        }

        return names.Count == 0 ? "None" : string.Join(", ", names);
    }
}

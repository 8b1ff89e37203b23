using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Samples.RaftKv;

/// <summary>
/// The scripted history of Figure 8 of the Raft paper on five servers (the paper's S1…S5 are <c>s0</c>…<c>s4</c>), with
/// no random faults, no loss and GST at 0. Each election is forced rather than raced: only one server can win it,
/// because the others are crashed or have a shorter log than the winner (so they cannot gather three votes).
/// <list type="number">
/// <item>0–140 ms: s1…s4 are down while s0 campaigns first, so s0 leads term 1 and commits client entries on all five.</item>
/// <item>500 ms: s2 and s3 crash; s0 still commits with s1 and s4 (s4's log is now longer than s2's and s3's).</item>
/// <item>600 ms (a): s4 crashes; the clients' next requests (index i on) reach s0 and s1 only.</item>
/// <item>700 ms (b): s0 and s1 crash; 50 ms later (nothing of s0's still on the wire) s2, s3, s4 restart and s4 (the longest log) is elected with the votes of s2 and s3;
/// the clients cannot reach s4 yet.</item>
/// <item>1150 ms: s4 is cut off from s2 and s3 and the clients reach it: it appends their requests at index i in its
/// term, on its own log only.</item>
/// <item>1450 ms: s4 crashes. 1550 ms (c): s0 restarts (the clients cannot reach it) and is elected with s2 and s3 (its
/// log is the longest); it replicates its term-1 entries from index i on to them. With
/// <see cref="RaftKvOptions.UnsafeCommit"/> it commits them by counting replicas.</item>
/// <item>2600 ms (d): s0 crashes and s4 restarts 50 ms later: its last log term beats theirs, so s2 and s3 elect it, and it
/// overwrites index i. 3600 ms: s0 and s1 restart.</item>
/// </list>
/// Without the bug, s4 commits a no-op of its term with s2 and s3 in (b), so s0 cannot win in (c) and nothing committed
/// is lost.
/// </summary>
public static class RaftKvFigure8
{
    /// <summary>The servers the schedule is written for.</summary>
    public const int Servers = 5;

    /// <summary>When the timeline's last fault happens (s0 and s1 restart).</summary>
    public static TimeSpan End { get; } = TimeSpan.FromMilliseconds(3600);

    /// <summary>When s0, elected in (c), crashes and s4 restarts (d).</summary>
    public static TimeSpan Overwrite { get; } = TimeSpan.FromMilliseconds(2600);

    /// <summary>The cluster options of the Figure 8 run: five servers, no random crashes, partitions or loss, GST at 0, clients that retry after 50 ms.</summary>
    /// <param name="clients">Clients (at least 1).</param>
    /// <param name="operations">Operations per client.</param>
    /// <param name="unsafeCommit">Plant the Figure 8 bug.</param>
    /// <param name="keys">Keys the clients use.</param>
    public static RaftKvOptions Options(int clients = 3, int operations = 30, bool unsafeCommit = false, int keys = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        return new RaftKvOptions(
            Servers: Servers,
            Clients: clients,
            Operations: operations,
            Keys: keys,
            UnsafeCommit: unsafeCommit,
            Loss: 0,
            CrashEvery: null,
            Partitions: false,
            FaultWindow: TimeSpan.Zero,
            ClientTimeout: TimeSpan.FromMilliseconds(50),
            Schedule: Schedule(clients));
    }

    /// <summary>The fault schedule (see the class); the clients are the nodes added after the five servers.</summary>
    /// <param name="clients">Clients.</param>
    public static FaultSchedule Schedule(int clients)
    {
        IReadOnlyList<NodeId> s = RaftKvCluster.ServerIds(Servers);
        NodeId[] c = [.. Enumerable.Range(Servers, clients).Select(i => new NodeId(i))];
        var f = new FaultSchedule();

        // Term 1: s0 campaigns before the others have started their timers, and leads.
        for (int i = 1; i < Servers; i++)
        {
            f.Crash(Ms(0), s[i]);
        }

        for (int i = 1; i < Servers; i++)
        {
            f.Restart(Ms(140), s[i]);
        }

        // s2 and s3 fall behind s4; then (a) s4 too: new entries reach s0 and s1 only.
        f.Crash(Ms(500), s[2]).Crash(Ms(500), s[3]);
        f.Crash(Ms(600), s[4]);

        // (b) s4 is elected by s2 and s3 (its log is longer); the clients cannot reach it yet.
        // s2, s3, s4 restart 50 ms later, when nothing s0 sent is still on the wire.
        f.Crash(Ms(700), s[0]).Crash(Ms(700), s[1]);
        foreach (NodeId client in c)
        {
            f.Cut(Ms(700), client, s[4]);
        }

        f.Restart(Ms(750), s[2]).Restart(Ms(750), s[3]).Restart(Ms(750), s[4]);

        // s4 appends the clients' requests at index i, but cannot replicate them; then it crashes.
        f.Heal(Ms(1150));
        foreach (NodeId peer in new[] { s[2], s[3] })
        {
            f.Cut(Ms(1150), s[4], peer).Cut(Ms(1150), peer, s[4]);
        }

        f.Crash(Ms(1450), s[4]);

        // (c) s0 is elected by s2 and s3 (its log is the longest) and replicates its term-1 entries; no client reaches it.
        f.Heal(Ms(1550)).Restart(Ms(1550), s[0]);
        foreach (NodeId client in c)
        {
            f.Cut(Ms(1550), client, s[0]);
        }

        // (d) s0 crashes, s4 (last term newer) is elected by s2 and s3 and overwrites index i.
        f.Crash(SimTime.FromStart(Overwrite), s[0]).Heal(SimTime.FromStart(Overwrite)).Restart(SimTime.FromStart(Overwrite) + TimeSpan.FromMilliseconds(50), s[4]);
        f.Restart(SimTime.FromStart(End), s[0]).Restart(SimTime.FromStart(End), s[1]);
        return f;
    }

    private static SimTime Ms(int ms) => SimTime.FromStart(TimeSpan.FromMilliseconds(ms));
}

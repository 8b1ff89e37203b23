using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Xunit;

namespace DistSim.Tests.Simulations;

/// <summary>
/// The event queue against a reference model: events come out by (time, insertion order), cancelled events never come
/// out, and dropping cancelled entries in bulk (the rebuild once they outnumber live ones) reorders nothing.
/// </summary>
public class EventQueueTests
{
    [Property(MaxTest = 60)]
    public bool PopsInTimeThenInsertionOrder_CancelledNever_ForAnyMixOfOperations(ulong seed, PositiveInt length)
    {
        var random = new DistSim.Random.RandomStream(seed);
        var queue = new EventQueue();
        var model = new List<(long Time, long Seq, long Id, int Slot)>();
        long seq = 0;
        long last = 0; // the time of the event taken last: the lane takes events scheduled for exactly then
        int operations = 2000 + (length.Get % 4000);
        for (int i = 0; i < operations; i++)
        {
            ulong op = random.NextBelow(10);
            if (op < 5 || model.Count == 0)
            {
                // Around the last time taken, often exactly at it, sometimes before it (a test scheduling at Now after a
                // run stopped at a discarded timer's time); timers may be cancelled, other kinds take the lane.
                long time = Math.Max(0, last - 2) + (long)random.NextBelow(6);
                long id = seq;
                EventKind kind = random.NextBelow(2) == 0 ? EventKind.Timer : EventKind.Control;
                int slot = queue.Schedule(time, new ScheduledEvent(kind, 0, -1, 0, id, 0, null));
                model.Add((time, seq++, id, slot));
            }
            else if (op < 8)
            {
                int victim = (int)random.NextBelow((ulong)model.Count);
                if (model[victim].Slot >= 0)
                {
                    queue.Cancel(model[victim].Slot);
                    model.RemoveAt(victim);
                }
            }
            else
            {
                (long Time, long Seq, long Id, int Slot) next = model.MinBy(m => (m.Time, m.Seq));
                if (!queue.TryPeekNext(out ScheduledEvent e, out long t) || t != next.Time || e.Id != next.Id)
                {
                    return false;
                }

                queue.RemoveNext();
                model.Remove(next);
                last = t;
            }

            if (queue.Count != model.Count)
            {
                return false;
            }
        }

        foreach ((long time, _, long id, _) in model.OrderBy(m => (m.Time, m.Seq)).ToList())
        {
            if (!queue.TryPeekNext(out ScheduledEvent e, out long t) || t != time || e.Id != id)
            {
                return false;
            }

            queue.RemoveNext();
        }

        return !queue.TryPeekNext(out _, out _) && queue.Count == 0;
    }

    [Fact]
    public void MassCancellation_RebuildsTheHeap_AndKeepsTheOrderOfTheRest()
    {
        var queue = new EventQueue();
        var slots = new List<int>();
        for (int i = 0; i < 10_000; i++)
        {
            slots.Add(queue.Schedule(i % 7, new ScheduledEvent(EventKind.Timer, 0, -1, 0, i, 0, null)));
        }

        for (int i = 0; i < 10_000; i++)
        {
            if (i % 10 != 0)
            {
                queue.Cancel(slots[i]); // 9,000 cancellations: several rebuilds
            }
        }

        Assert.Equal(1_000, queue.Count);
        var expected = Enumerable.Range(0, 10_000).Where(i => i % 10 == 0).OrderBy(i => (i % 7, i)).Select(i => (long)i).ToList();
        var actual = new List<long>();
        while (queue.TryPeekNext(out ScheduledEvent e, out _))
        {
            actual.Add(e.Id);
            queue.RemoveNext();
        }

        Assert.Equal(expected, actual);
    }

    [Fact(DisplayName = "Reliable link: an acknowledged message's retransmission timer leaves the queue at once")]
    public void ReliableLink_AcknowledgedMessages_LeaveNoRetransmissionTimerPending()
    {
        ILink link = global::DistSim.Links.Links.Reliable(new ReliableLinkOptions { RetransmitInterval = TimeSpan.FromSeconds(10) });
        DistSim.Simulation sim = Sims.Create(3, new FairLossLinkOptions { Delay = Delay.Constant(TimeSpan.FromMilliseconds(1)) }, record: true, link: link);
        var b = new NodeId(1);
        sim.AddNode("A", () => new Sender(b, 500));
        sim.AddNode("B", () => new Receiver());

        RunResult result = sim.RunUntil(SimTime.FromSeconds(1)); // long before any retransmission would be due

        Assert.Equal(500, sim.GetNode<Receiver>(b).Received.Count);
        Assert.Equal(500, sim.Network.Session(new NodeId(0), b).Counters.Acknowledged);
        Assert.Equal(0, sim.PendingEvents); // before cancellation: 500 timers waited for t = 10 s
        Assert.Equal(RunOutcome.Quiescent, result.Outcome);
        Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Retransmit); // only the probe, re-sent once bound by the handshake
    }

    [Fact]
    public void NodeTimer_Cancelled_LeavesTheQueue()
    {
        DistSim.Simulation sim = Sims.Create(1);
        TimerId timer = default;
        sim.AddNode("A", () => new Scripted(n => timer = n.Arm(TimeSpan.FromHours(1))));
        sim.RunUntil(SimTime.FromSeconds(1));
        Assert.Equal(1, sim.PendingEvents);

        sim.At<Scripted>(SimTime.FromSeconds(2), new NodeId(0), n => Assert.True(n.Disarm(timer)));
        sim.RunUntil(SimTime.FromSeconds(3));

        Assert.Equal(0, sim.PendingEvents);
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.TimerCancelled);
    }

    private sealed class Scripted(Action<Scripted> onStart) : Node
    {
        public override void OnStart() => onStart(this);

        public TimerId Arm(TimeSpan delay) => SetTimer(delay);

        public bool Disarm(TimerId timer) => CancelTimer(timer);
    }
}

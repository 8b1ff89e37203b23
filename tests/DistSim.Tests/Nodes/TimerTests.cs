using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim.Tests.Nodes;

public class TimerTests
{
    [Fact]
    public void CancelledTimer_NeverFires_AndIsTraced()
    {
        var fired = new List<object?>();
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("a", () => new Scripted(
            onStart: c =>
            {
                TimerId t = c.SetTimer(TimeSpan.FromSeconds(1), "cancelled");
                c.SetTimer(TimeSpan.FromSeconds(2), "kept");
                Assert.True(c.CancelTimer(t));
                Assert.False(c.CancelTimer(t));
            },
            onTimer: (_, s) => fired.Add(s)));

        RunResult r = sim.Run();

        Assert.Equal(["kept"], fired);
        Assert.Equal(2, r.Events); // start + one timer: the cancelled one is not an event
        Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.TimerCancelled);
        Assert.Equal(SimTime.FromSeconds(2), sim.Now);
    }

    [Fact]
    public void CancelAfterFiring_ReturnsFalse()
    {
        TimerId first = default;
        bool? cancelled = null;
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("a", () => new Scripted(
            onStart: c => first = c.SetTimer(TimeSpan.FromSeconds(1), "first"),
            onTimer: (c, s) =>
            {
                if ((string?)s == "first")
                {
                    c.SetTimer(TimeSpan.FromSeconds(1), "second"); // reuses the freed slot
                    cancelled = c.CancelTimer(first);
                }
            }));

        sim.Run();

        Assert.False(cancelled);
        Assert.Equal(2, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.TimerFired));
    }

    [Fact]
    public void ANode_CannotCancelAnotherNodesTimer()
    {
        TimerId stolen = default;
        bool? result = null;
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("owner", () => new Scripted(onStart: c => stolen = c.SetTimer(TimeSpan.FromSeconds(5))));
        sim.AddNode("thief", () => new Scripted(onStart: c => result = c.CancelTimer(stolen)));

        sim.Run();

        Assert.False(result);
        Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.TimerFired);
    }

    [Fact]
    public void TimerIds_AreNeverReused()
    {
        var ids = new List<long>();
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("a", () => new Scripted(
            onStart: c => c.SetTimer(TimeSpan.FromSeconds(1)),
            onTimer: (c, _) =>
            {
                if (ids.Count < 10)
                {
                    ids.Add(c.SetTimer(TimeSpan.FromSeconds(1)).Number);
                }
            }));

        sim.Run();

        Assert.Equal(10, ids.Distinct().Count());
    }
}

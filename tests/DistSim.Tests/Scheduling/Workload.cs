using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Scheduling;
using DistSim.Timing;

namespace DistSim.Tests.Scheduling;

/// <summary>
/// A small busy system for scheduling properties: every node greets every other, forwards what it receives a few
/// times to a peer of its choice, keeps a few timers running and cancels some; what the nodes saw is kept here (the
/// node objects are lost at a crash).
/// </summary>
internal sealed class Workload
{
    public List<string> Violations { get; } = [];

    public DistSim.Simulation Simulation { get; }

    public Workload(ulong seed, Scheduler scheduler, TimingModel? timing = null, bool nemesis = false, int nodes = 4, SchedulingStrategy scheduling = SchedulingStrategy.Fifo, bool setScheduler = true)
    {
        var options = new SimulationOptions
        {
            Seed = seed,
            Scheduling = scheduling,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(9)), DuplicateProbability = 0.05, LossProbability = 0.02 },
            Timing = timing ?? TimingModels.Unbounded,
            Nemesis = nemesis ? new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromMilliseconds(40), Downtime = Delay.Uniform(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20)), Until = TimeSpan.FromMilliseconds(200) } : null,
            TimeLimit = TimeSpan.FromSeconds(30),
        };
        if (setScheduler)
        {
            options = options with { Scheduler = scheduler };
        }

        Simulation = new DistSim.Simulation(options);
        for (int i = 0; i < nodes; i++)
        {
            Simulation.AddNode("n" + i, () => new Busy(this), nemesis ? FailureModels.CrashRecover() : null);
        }
    }

    public Workload Run()
    {
        Simulation.Run();
        return this;
    }

    private sealed record Hop(int Left);

    private sealed record Tick(long Due, int Left);

    private sealed class Busy(Workload owner) : Node
    {
        private readonly HashSet<long> _cancelled = [];

        public override void OnStart()
        {
            foreach (NodeId peer in Context.Nodes)
            {
                if (peer != Context.Id)
                {
                    Send(peer, new Hop(4));
                }
            }

            Arm(5);
        }

        public override void OnMessage(NodeId from, object message)
        {
            if (message is Hop { Left: > 0 } hop)
            {
                NodeId to = Context.Nodes[(int)Context.Random.NextBelow((ulong)Context.Nodes.Count)];
                Send(to, new Hop(hop.Left - 1));
            }
        }

        public override void OnTimer(TimerId timer, object? state)
        {
            if (_cancelled.Contains(timer.Number))
            {
                owner.Violations.Add($"{Context.Name}: cancelled timer {timer.Number} fired at {Context.LocalNow}");
            }

            if (state is Tick tick)
            {
                if (Context.LocalNow.Ticks != tick.Due)
                {
                    owner.Violations.Add($"{Context.Name}: timer due at {tick.Due} fired at {Context.LocalNow.Ticks}");
                }

                if (tick.Left > 0)
                {
                    Arm(tick.Left - 1);
                }
            }
        }

        private void Arm(int left)
        {
            var delay = TimeSpan.FromMilliseconds(1 + (double)Context.Random.NextBelow(6));
            SetTimer(delay, new Tick(Context.LocalNow.Ticks + delay.Ticks, left));
            TimerId decoy = SetTimer(delay / 2, "decoy");
            if (Context.Random.NextBelow(2) == 0)
            {
                Context.CancelTimer(decoy);
                _cancelled.Add(decoy.Number);
            }
        }
    }
}

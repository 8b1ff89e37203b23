using DistSim.Nodes;
using DistSim.Random;
using DistSim.Timing;

namespace DistSim.Failures;

/// <summary>Schedules random crashes, restarts, pauses and clock steps per node, within each node's failure model; writes down each one it injects when the run records faults.</summary>
internal sealed class FaultNemesis
{
    private readonly Simulation _simulation;
    private readonly NemesisOptions _options;
    private readonly Delay? _crashWait;
    private readonly Delay? _pauseWait;
    private readonly Delay? _clockWait;

    /// <summary>Per node (by index): its fault domain (the options validate that domains are disjoint), or absent.</summary>
    private readonly Dictionary<int, int> _domainOf = [];

    /// <summary>Per domain: how many of its nodes are down or paused now, kept as nodes change (<see cref="FaultyChanged"/>).</summary>
    private readonly int[] _faultyIn = [];

    public FaultNemesis(Simulation simulation, NemesisOptions options)
    {
        _simulation = simulation;
        _options = options;
        if (options.FaultDomains is { } domains)
        {
            _faultyIn = new int[domains.Count];
            for (int d = 0; d < domains.Count; d++)
            {
                foreach (NodeId node in domains[d])
                {
                    _domainOf.Add(node.Value, d);
                }
            }
        }

        TimeSpan? crash = options.MeanTimeBetweenCrashes, pause = options.MeanTimeBetweenPauses;
        if (options.Swarm)
        {
            // Swarm testing: the seed switches each kind on or off and scales its rate by 1/4 … 4.
            RandomStream swarm = StreamSeed.Create(simulation.Seed, "nemesis:swarm");
            crash = Scale(crash, swarm);
            pause = Scale(pause ?? TimeSpan.FromSeconds(10), swarm);
        }

        _crashWait = crash is { } c ? Delay.Exponential(c) : null;
        _pauseWait = pause is { } p ? Delay.Exponential(p) : null;
        _clockWait = options.MeanTimeBetweenClockSteps is { } k ? Delay.Exponential(k) : null;
    }

    /// <summary>What the swarm chose (or the options said): null when the kind is off.</summary>
    public TimeSpan? MeanTimeBetweenCrashes => _crashWait?.Mean;

    /// <summary>What the swarm chose (or the options said): null when the kind is off.</summary>
    public TimeSpan? MeanTimeBetweenPauses => _pauseWait?.Mean;

    public void AddNode(NodeId node, FailureModel model, string name)
    {
        if (_simulation.NemesisReplaced)
        {
            return; // a fault schedule replaces the random faults
        }

        RandomStream stream = StreamSeed.Create(_simulation.Seed, "nemesis:" + name);
        if (_crashWait is not null && model.Allows(FaultKinds.Stop))
        {
            NextCrash(node, model, stream);
        }

        if (_pauseWait is not null)
        {
            RandomStream pauses = StreamSeed.Create(_simulation.Seed, "nemesis:pause:" + name);
            NextPause(node, pauses, _simulation.Now);
        }

        if (_clockWait is not null)
        {
            NextClockStep(node, StreamSeed.Create(_simulation.Seed, "nemesis:clock:" + name));
        }
    }

    private static TimeSpan? Scale(TimeSpan? mean, RandomStream swarm)
    {
        bool on = swarm.NextBelow(2) == 1;
        double factor = Math.Pow(4, (swarm.NextUnitDouble() * 2) - 1); // 1/4 … 4, log-uniform
        return on && mean is { } m ? TimeSpan.FromTicks(Math.Max(1, (long)(m.Ticks * factor))) : null;
    }

    private void NextCrash(NodeId node, FailureModel model, RandomStream stream)
    {
        Time.SimTime at = _simulation.Now + _crashWait!.Sample(stream);
        if (at.SinceStart > _options.Until)
        {
            return;
        }

        _simulation.AtFault(at, () =>
        {
            if (!MayHit(node, out string? why))
            {
                _simulation.LogFault(new NoFault(at, $"crash of node {node.Value} skipped: {why}"));
                NextCrash(node, model, stream); // the node's next crash is drawn as usual
                return;
            }

            if (!_simulation.Crash(node))
            {
                _simulation.LogFault(new NoFault(at, $"crash of node {node.Value}: it was down already"));
                return; // not our crash: the chain ends, as for a crash-stop node
            }

            if (!model.Allows(FaultKinds.Restart))
            {
                _simulation.LogFault(new CrashFault(at, node)); // a crash-stop node stays down for good
                return;
            }

            TimeSpan downtime = _options.Downtime.Sample(stream);
            _simulation.LogFault(new CrashFault(at, node, downtime));
            _simulation.ExpectRestart(node);
            long crash = _simulation.CrashGenerationOf(node);
            _simulation.AtFault(at + downtime, () =>
            {
                if (_simulation.CrashGenerationOf(node) == crash)
                {
                    _simulation.Restart(node); // unless it was restarted and crashed again meanwhile (as CrashFault does)
                }

                NextCrash(node, model, stream);
            });
        });
    }

    private void NextPause(NodeId node, RandomStream stream, Time.SimTime from)
    {
        Time.SimTime at = from + _pauseWait!.Sample(stream);
        if (at.SinceStart > _options.Until)
        {
            return;
        }

        _simulation.AtFault(at, () =>
        {
            TimeSpan duration = _options.PauseDuration.Sample(stream);
            if (!MayHit(node, out string? why))
            {
                _simulation.LogFault(new NoFault(at, $"pause of node {node.Value} skipped: {why}"));
            }
            else if (_simulation.Pause(node))
            {
                _simulation.LogFault(new PauseFault(at, node, duration));
                long pause = _simulation.PauseGenerationOf(node);
                _simulation.AtFault(at + duration, () =>
                {
                    if (_simulation.PauseGenerationOf(node) == pause)
                    {
                        _simulation.Resume(node); // as PauseFault does
                    }
                });
            }
            else
            {
                _simulation.LogFault(new NoFault(at, $"pause of node {node.Value}: it was down or paused already"));
            }

            // The next pause counts from this one's end; drawn now (the same draw, from the node's own stream), so that
            // no fault event of its own marks the end.
            NextPause(node, stream, at + duration);
        });
    }

    /// <summary>Whether a crash or pause of <paramref name="node"/> now stays within the bounds; counts a skip, and says why, when not.</summary>
    private bool MayHit(NodeId node, out string? why)
    {
        why = null;
        if (_options.MaxFaulty is null && _options.FaultDomains is null && _options.Eligible is null)
        {
            return true;
        }

        if (!_simulation.IsFaulty(node) && WhyOutOfBounds(node) is { } bound)
        {
            why = bound;
        }
        else if (_options.Eligible is { } eligible && !eligible(_simulation, node))
        {
            why = "not eligible";
        }

        if (why is not null)
        {
            _simulation.Faults.Skipped++;
            return false;
        }

        return true;
    }

    /// <summary>Why one more faulty node, <paramref name="node"/>, would pass <see cref="NemesisOptions.MaxFaulty"/> or its domain's bound; null when it would not.</summary>
    private string? WhyOutOfBounds(NodeId node)
    {
        if (_options.MaxFaulty is { } max && _simulation.FaultyCount + 1 > max) // a count kept as nodes change: no scan of every node per fault
        {
            return $"{max} node(s) faulty already (MaxFaulty)";
        }

        if (_domainOf.TryGetValue(node.Value, out int domain) && _faultyIn[domain] + 1 > _options.MaxFaultyPerDomain) // a count kept as nodes change
        {
            return $"its domain has {_options.MaxFaultyPerDomain} faulty node(s) already (MaxFaultyPerDomain)";
        }

        return null;
    }

    /// <summary>
    /// Node <paramref name="node"/> became down or paused (<paramref name="faulty"/>), or came back: the counts of its
    /// domains follow, so a fault's domain bound is one lookup rather than a count over the domain's nodes.
    /// </summary>
    public void FaultyChanged(int node, bool faulty)
    {
        if (_domainOf.TryGetValue(node, out int domain))
        {
            _faultyIn[domain] += faulty ? 1 : -1;
        }
    }

    /// <summary>How many nodes of domain <paramref name="domain"/> are down or paused (for tests of the bookkeeping).</summary>
    internal int FaultyIn(int domain) => _faultyIn[domain];

    private void NextClockStep(NodeId node, RandomStream stream)
    {
        Time.SimTime at = _simulation.Now + _clockWait!.Sample(stream);
        if (at.SinceStart > _options.Until)
        {
            return;
        }

        _simulation.AtFault(at, () =>
        {
            TimeSpan size = _options.ClockStepSize.Sample(stream);
            TimeSpan jump = stream.NextBelow(2) == 0 ? size : size.Negate();
            _simulation.StepClock(node, jump);
            _simulation.LogFault(new ClockStepFault(at, node, jump));
            NextClockStep(node, stream);
        });
    }
}

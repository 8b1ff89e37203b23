using DistSim.Nodes;
using DistSim.Random;
using DistSim.Timing;

namespace DistSim.Failures;

/// <summary>Schedules random crashes, restarts and pauses per node, within each node's failure model.</summary>
internal sealed class FaultNemesis
{
    private readonly Simulation _simulation;
    private readonly NemesisOptions _options;
    private readonly Delay? _crashWait;
    private readonly Delay? _pauseWait;

    public FaultNemesis(Simulation simulation, NemesisOptions options)
    {
        _simulation = simulation;
        _options = options;
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
    }

    /// <summary>What the swarm chose (or the options said): null when the kind is off.</summary>
    public TimeSpan? MeanTimeBetweenCrashes => _crashWait?.Mean;

    /// <summary>What the swarm chose (or the options said): null when the kind is off.</summary>
    public TimeSpan? MeanTimeBetweenPauses => _pauseWait?.Mean;

    public void AddNode(NodeId node, FailureModel model, string name)
    {
        RandomStream stream = StreamSeed.Create(_simulation.Seed, "nemesis:" + name);
        if (_crashWait is not null && model.Allows(FaultKinds.Stop))
        {
            NextCrash(node, model, stream);
        }

        if (_pauseWait is not null)
        {
            RandomStream pauses = StreamSeed.Create(_simulation.Seed, "nemesis:pause:" + name);
            NextPause(node, pauses);
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
            if (!_simulation.Crash(node) || !model.Allows(FaultKinds.Restart))
            {
                return; // a crash-stop node stays down for good
            }

            _simulation.ExpectRestart(node);
            _simulation.AtFault(_simulation.Now + _options.Downtime.Sample(stream), () =>
            {
                _simulation.Restart(node);
                NextCrash(node, model, stream);
            });
        });
    }

    private void NextPause(NodeId node, RandomStream stream)
    {
        Time.SimTime at = _simulation.Now + _pauseWait!.Sample(stream);
        if (at.SinceStart > _options.Until)
        {
            return;
        }

        _simulation.AtFault(at, () =>
        {
            TimeSpan duration = _options.PauseDuration.Sample(stream);
            if (_simulation.Pause(node))
            {
                _simulation.AtFault(_simulation.Now + duration, () => _simulation.Resume(node));
            }

            _simulation.AtFault(_simulation.Now + duration, () => NextPause(node, stream));
        });
    }
}

using DistSim.Checking;
using DistSim.Nodes;

namespace DistSim.Samples.Paxos;

/// <content>The proposer (leader election by ballot, Phase 1 over all unlearned slots, Phase 2 per slot) and the learner.</content>
public sealed partial class PaxosReplica
{
    private void Campaign()
    {
        long round = (Math.Max(Math.Max(_promised, _ballot), _leaderBallot) / BallotStride) + 1;
        _ballot = (round * BallotStride) + index;
        IsLeader = false;
        _campaigning = true;
        _promisesFrom.Clear();
        _collected.Clear();
        _inflight.Clear();
        _lastHeard = _ticks; // one election timeout for this attempt, then a higher ballot
        Broadcast(new Prepare(_ballot, Applied), includeSelf: true);
    }

    private void OnPromise(NodeId from, Promise p)
    {
        if (!_campaigning || p.Ballot != _ballot)
        {
            return;
        }

        foreach (AcceptedEntry e in p.Entries)
        {
            if (!_collected.TryGetValue(e.Slot, out AcceptedEntry? seen) || e.Ballot > seen.Ballot)
            {
                _collected[e.Slot] = e;
            }
        }

        _promisesFrom.Add(Array.IndexOf([.. replicas], from));
        if (_promisesFrom.Count < Majority)
        {
            return;
        }

        // Phase 1 done: lead. Every slot not learned gets the highest-ballot value of the quorum, or a no-op.
        _campaigning = false;
        IsLeader = true;
        _leaderBallot = _ballot;
        _leaderHint = index;
        observer.Elected(_ballot, index);
        long top = Math.Max(_collected.Count == 0 ? -1 : _collected.Keys.Max(), _decided.Count == 0 ? -1 : _decided.Keys.Max());
        _nextSlot = top + 1;
        for (long slot = Applied; slot <= top; slot++)
        {
            if (!_decided.ContainsKey(slot))
            {
                Propose(slot, _collected.TryGetValue(slot, out AcceptedEntry? e) ? e.Command : Command.Noop);
            }
        }
    }

    private void Propose(long slot, Command command)
    {
        _inflight[slot] = (command, []);
        Broadcast(new Accept(_ballot, slot, command), includeSelf: true);
    }

    private void OnAccepted(NodeId from, Accepted a)
    {
        if (!IsLeader || a.Ballot != _ballot || !_inflight.TryGetValue(a.Slot, out (Command Command, SortedSet<int> Acks) p))
        {
            return;
        }

        p.Acks.Add(Array.IndexOf([.. replicas], from));
        if (p.Acks.Count >= Majority)
        {
            _inflight.Remove(a.Slot);
            Broadcast(new Decide(a.Slot, p.Command), includeSelf: false);
            Learn(a.Slot, p.Command);
        }
    }

    /// <summary>A message carried <paramref name="ballot"/>: a higher one than ours ends our leadership or campaign.</summary>
    private void SeeBallot(long ballot, int leader)
    {
        if (ballot > _leaderBallot)
        {
            _leaderBallot = ballot;
            _leaderHint = leader;
        }

        if (ballot > _ballot && (IsLeader || _campaigning))
        {
            IsLeader = false;
            _campaigning = false;
            _inflight.Clear();
            _lastHeard = _ticks;
        }
    }

    private void OnHeartbeat(NodeId from, Heartbeat h)
    {
        if (h.Ballot < _leaderBallot)
        {
            return;
        }

        SeeBallot(h.Ballot, IndexOf(h.Ballot));
        _lastHeard = _ticks;
        if (h.Applied > Applied)
        {
            Send(from, new CatchUp(Applied));
        }
    }

    private void OnClientRequest(NodeId from, ClientRequest r)
    {
        if (!IsLeader)
        {
            Send(from, new NotLeader(r.Seq, _leaderHint == index ? -1 : _leaderHint));
            return;
        }

        if (_lastByClient.TryGetValue(from.Value, out (long Seq, string? Output) last) && last.Seq >= r.Seq)
        {
            if (last.Seq == r.Seq)
            {
                Send(from, new ClientReply(r.Seq, last.Output)); // a retry of an applied operation: answer again
            }

            return;
        }

        var command = new Command(from.Value, r.Seq, r.Input);
        if (_inflight.Values.Any(p => p.Command == command))
        {
            return; // already being proposed
        }

        Propose(_nextSlot++, command);
    }

    // ---- learner ----
    private void Learn(long slot, Command command)
    {
        if (_decided.ContainsKey(slot))
        {
            return;
        }

        _decided[slot] = command;
        observer.Decided(index, slot, command);
        while (_decided.TryGetValue(Applied, out Command? next))
        {
            Apply(next);
            Applied++;
        }
    }

    private void Apply(Command command)
    {
        if (command.Input is not { } input)
        {
            return;
        }

        if (_lastByClient.TryGetValue(command.Client, out (long Seq, string? Output) last) && last.Seq >= command.Seq)
        {
            return; // a retry chosen in a second slot: applied once
        }

        string? output = null;
        if (input.Kind == KvOperation.Get)
        {
            output = _kv.GetValueOrDefault(input.Key, string.Empty);
        }
        else
        {
            _kv[input.Key] = input.Value;
        }

        _lastByClient[command.Client] = (command.Seq, output);
        if (IsLeader)
        {
            Send(new NodeId(command.Client), new ClientReply(command.Seq, output));
        }
    }

    // ---- messaging ----
    private void Broadcast(object message, bool includeSelf)
    {
        foreach (NodeId r in replicas)
        {
            if (r != Context.Id)
            {
                Send(r, message);
            }
            else if (includeSelf)
            {
                _self.Enqueue((r, message));
            }
        }
    }

    /// <summary>Sends, or queues a message to itself (handled after the current handler, never re-entrantly).</summary>
    private void SendTo(NodeId to, object message)
    {
        if (to == Context.Id)
        {
            _self.Enqueue((to, message));
        }
        else
        {
            Send(to, message);
        }
    }

    private void Drain()
    {
        while (_self.TryDequeue(out (NodeId From, object Message) m))
        {
            Handle(m.From, m.Message);
        }
    }
}

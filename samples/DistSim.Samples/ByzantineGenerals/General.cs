using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Security;

namespace DistSim.Samples.ByzantineGenerals;

/// <summary>The setting every general knows.</summary>
/// <param name="N">Generals, the commander included.</param>
/// <param name="M">Rounds of relaying: OM(m) or SM(m).</param>
/// <param name="Signed">SM(m) instead of OM(m).</param>
/// <param name="DecideAt">When each lieutenant decides (after the last round's messages arrived).</param>
public sealed record Setting(int N, int M, bool Signed, TimeSpan DecideAt);

/// <summary>
/// One general of Lamport, Shostak and Pease's algorithms: node 0 is the commander. A loyal general follows
/// OM(m) or SM(m); a traitor runs the same code but every order it sends is chosen by
/// <see cref="ITraitorChoices"/> (another value, or nothing), and each deviation is traced.
/// </summary>
/// <param name="setting">The setting.</param>
/// <param name="value">The commander's order (ignored for lieutenants).</param>
/// <param name="traitor">The traitor's choices, or null for a loyal general.</param>
public sealed class General(Setting setting, Order value, ITraitorChoices? traitor) : Node
{
    private readonly Dictionary<string, Order> _oral = [];
    private readonly HashSet<Order> _signed = [];

    /// <summary>True for a traitor.</summary>
    public bool IsTraitor => traitor is not null;

    /// <summary>The decision, once taken.</summary>
    public Order? Decision { get; private set; }

    /// <inheritdoc />
    public override void OnStart()
    {
        if (Id.Value == 0)
        {
            Decision = value;
            foreach (NodeId lieutenant in Context.Nodes.Where(n => n.Value != 0))
            {
                if (setting.Signed)
                {
                    SendSigned(lieutenant, value, [], []);
                }
                else
                {
                    SendOral(lieutenant, value, [0]);
                }
            }

            return;
        }

        SetTimer(setting.DecideAt - LocalNow.SinceStart);
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        if (Decision is not null || Id.Value == 0)
        {
            return;
        }

        switch (message)
        {
            case OralOrder o when Valid(o.Path, from):
                string key = string.Join('>', o.Path);
                if (!_oral.TryAdd(key, o.Value) || o.Path.Length > setting.M)
                {
                    return;
                }

                int[] path = [.. o.Path, Id.Value];
                foreach (NodeId next in Lieutenants().Where(n => !path.Contains(n.Value)))
                {
                    SendOral(next, o.Value, path);
                }

                break;
            case SignedOrder s when Valid(s.Signers, from) && s.Signatures.Length == s.Signers.Length && ChainVerifies(s):
                if (!_signed.Add(s.Value) || s.Signers.Length > setting.M)
                {
                    return;
                }

                foreach (NodeId next in Lieutenants().Where(n => n != Id && !s.Signers.Contains(n.Value)))
                {
                    SendSigned(next, s.Value, s.Signers, s.Signatures);
                }

                break;
        }
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state) =>
        Decision = setting.Signed
            ? (_signed.Count == 1 ? _signed.First() : Order.Retreat)
            : Majority([0]);

    /// <summary>OM's recursive majority, evaluated on the tree of received orders (missing ones count as Retreat).</summary>
    private Order Majority(int[] path)
    {
        Order received = _oral.GetValueOrDefault(string.Join('>', path), Order.Retreat);
        if (path.Length == setting.M + 1)
        {
            return received;
        }

        int attack = received == Order.Attack ? 1 : 0, total = 1;
        foreach (NodeId j in Lieutenants().Where(n => n != Id && !path.Contains(n.Value)))
        {
            total++;
            attack += Majority([.. path, j.Value]) == Order.Attack ? 1 : 0;
        }

        return 2 * attack > total ? Order.Attack : Order.Retreat; // no majority: retreat
    }

    private IEnumerable<NodeId> Lieutenants() => Context.Nodes.Where(n => n.Value != 0);

    /// <summary>The receiver knows who sent a message (assumption A2): the path must end with the sender.</summary>
    private bool Valid(int[] path, NodeId from) =>
        path.Length >= 1 && path[0] == 0 && path[^1] == from.Value && path.Distinct().Count() == path.Length && !path.Contains(Id.Value);

    private bool ChainVerifies(SignedOrder s)
    {
        for (int k = 0; k < s.Signers.Length; k++)
        {
            if (s.Signatures[k].Signer.Value != s.Signers[k] || !Context.Verify(new SignedPayload(s.Value, s.Signers[..(k + 1)]), s.Signatures[k]))
            {
                return false;
            }
        }

        return true;
    }

    private void SendOral(NodeId to, Order honest, int[] path)
    {
        if (Choose(to, honest) is { } order)
        {
            Send(to, new OralOrder(order, path));
        }
    }

    private void SendSigned(NodeId to, Order honest, int[] signers, Signature[] signatures)
    {
        // A traitor can sign any order of its own, but cannot change what others signed.
        Order? order = signers.Length == 0 ? Choose(to, honest) : (traitor is null || Relays(to, honest) ? honest : null);
        if (order is null)
        {
            return;
        }

        int[] chain = [.. signers, Id.Value];
        Signature own = Context.Sign(new SignedPayload(order.Value, chain));
        Send(to, new SignedOrder(order.Value, chain, [.. signatures, own]));
    }

    /// <summary>What a traitor sends where a loyal general sends <paramref name="honest"/>: an order, or nothing.</summary>
    private Order? Choose(NodeId to, Order honest)
    {
        if (traitor is null)
        {
            return honest;
        }

        Order? chosen = traitor.Choose(traitor.AllowSilence ? 3 : 2, Random) switch
        {
            0 => honest,
            1 => honest == Order.Attack ? Order.Retreat : Order.Attack,
            _ => null,
        };
        if (chosen != honest)
        {
            Context.RecordFault(chosen is null ? FaultKinds.Silence : FaultKinds.Lie, $"{(chosen is null ? "said nothing" : $"said {chosen}")} to {to} instead of {honest}");
        }

        return chosen;
    }

    private bool Relays(NodeId to, Order honest)
    {
        bool relay = !traitor!.AllowSilence || traitor.Choose(2, Random) == 0;
        if (!relay)
        {
            Context.RecordFault(FaultKinds.Silence, $"did not relay {honest} to {to}");
        }

        return relay;
    }
}

using DistSim.Nodes;
using Microsoft.Extensions.Logging;

namespace DistSim.Samples.TwoGenerals;

/// <summary>
/// One of the two generals. Each decides at the agreed attack time T from what it has heard by then;
/// a messenger arriving at or after T is too late.
/// </summary>
/// <param name="plan">The agreed plan.</param>
/// <param name="isA1">True for A1 (who proposes the time), false for A2.</param>
public sealed class General(Plan plan, bool isA1) : Node
{
    private const string Decide = "decide";
    private const string Retry = "retry";
    private const string Deadline = "deadline";
    private NodeId _peer;

    /// <summary>The decision taken at T: true = attack. Null before T (or if A2 never heard of a plan).</summary>
    public bool? Attacks { get; private set; }

    /// <summary>Highest chain index received in time (-1 if none).</summary>
    public int HighestReceived { get; private set; } = -1;

    /// <summary>A1 received a confirmation before D (timeout-fallback).</summary>
    public bool Confirmed { get; private set; }

    /// <summary>A2 received a call-off before T (timeout-fallback).</summary>
    public bool CalledOff { get; private set; }

    /// <summary>A1 gave up waiting for a confirmation at D and is calling the attack off.</summary>
    public bool CallingOff { get; private set; }

    /// <inheritdoc />
    public override void OnStart()
    {
        _peer = Context.Nodes.First(n => n != Id);
        if (!isA1)
        {
            return;
        }

        SetTimer(plan.AttackAt - LocalNow, Decide);
        int copies = plan.Strategy == Strategy.Redundant ? plan.Messengers : 1;
        for (int i = 0; i < copies; i++)
        {
            Send(_peer, new Messenger(0, plan.AttackAt));
        }

        if (plan.Strategy == Strategy.TimeoutFallback)
        {
            SetTimer(plan.Retry, Retry);
            SetTimer(plan.ConfirmBy - LocalNow, Deadline);
        }
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        if (LocalNow >= plan.AttackAt)
        {
            return; // too late: the decision is taken at T
        }

        switch (message)
        {
            case Messenger m when m.Index > HighestReceived:
                Logger.LogInformation("messenger {Index} arrived from {From}", m.Index, isA1 ? "A2" : "A1");
                if (!isA1 && HighestReceived < 0)
                {
                    SetTimer(plan.AttackAt - LocalNow, Decide); // A2 learns T from the first messenger
                }

                HighestReceived = m.Index;
                if (plan.Strategy == Strategy.Acks && m.Index < plan.Rounds)
                {
                    Send(from, new Messenger(m.Index + 1, plan.AttackAt));
                }

                if (plan.Strategy == Strategy.TimeoutFallback && !isA1)
                {
                    Send(from, new Confirm(plan.AttackAt));
                }

                break;
            case Messenger when plan.Strategy == Strategy.TimeoutFallback && !isA1:
                Send(from, new Confirm(plan.AttackAt)); // every order copy is answered: the earlier confirmation may be lost
                break;
            case Confirm when isA1 && !CallingOff:
                Confirmed = true;
                break;
            case CallOff when !isA1:
                CalledOff = true;
                break;
        }
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        switch (state)
        {
            case Decide:
                Attacks = Rule();
                Logger.LogInformation("decides at T: {Decision}", Attacks == true ? "attack" : "stay home");
                break;
            case Deadline when !Confirmed:
                CallingOff = true;
                Logger.LogInformation("no confirmation by the deadline: calling the attack off");
                Send(_peer, new CallOff(plan.AttackAt));
                break;
            case Retry when CallingOff && LocalNow < plan.AttackAt:
                Send(_peer, new CallOff(plan.AttackAt));
                if (LocalNow + plan.Retry < plan.AttackAt)
                {
                    SetTimer(plan.Retry, Retry);
                }

                break;
            case Retry when !Confirmed && !CallingOff && LocalNow < plan.ConfirmBy:
                Send(_peer, new Messenger(0, plan.AttackAt));
                SetTimer(plan.Retry, Retry);
                break;
        }
    }

    private bool Rule() => (plan.Strategy, isA1) switch
    {
        (Strategy.Naive or Strategy.Redundant, true) => true,
        (Strategy.Naive or Strategy.Redundant, false) => HighestReceived >= 0,
        (Strategy.Acks, true) => plan.LastForA1 < 0 || HighestReceived >= plan.LastForA1,
        (Strategy.Acks, false) => HighestReceived >= plan.LastForA2,
        (Strategy.TimeoutFallback, true) => Confirmed,
        (Strategy.TimeoutFallback, false) => HighestReceived >= 0 && !CalledOff,
        _ => false,
    };
}

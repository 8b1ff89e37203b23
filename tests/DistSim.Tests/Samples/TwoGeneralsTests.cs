using DistSim.Samples.TwoGenerals;
using DistSim.Testing;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

public class TwoGeneralsTests
{
    private static readonly Delay Crossing = Delay.Uniform(TimeSpan.FromHours(1), TimeSpan.FromHours(3));

    public static TheoryData<Strategy> AllStrategies => new() { Strategy.Naive, Strategy.Acks, Strategy.Redundant, Strategy.TimeoutFallback };

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void LossZero_CapturesTheCity_ForEverySeed(Strategy strategy)
    {
        var game = new Game(strategy, Loss: 0, Duplicate: 0, Crossing, Rounds: 3, Messengers: 4);
        for (ulong seed = 0; seed < 50; seed++)
        {
            GameResult r = game.Play(seed);
            Assert.Equal(Outcome.CityCaptured, r.Outcome);
            Assert.Equal(0, r.MessengersCaptured);
        }
    }

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void LossZeroWithDuplicates_StillCapturesTheCity(Strategy strategy)
    {
        var game = new Game(strategy, Loss: 0, Duplicate: 0.5, Crossing, Rounds: 4, Messengers: 2);
        for (ulong seed = 0; seed < 20; seed++)
        {
            Assert.Equal(Outcome.CityCaptured, game.Play(seed).Outcome);
        }
    }

    [Fact]
    public void LossOne_Naive_A1AttacksAlone_AndTheTraceShowsTheCapture()
    {
        GameResult r = new Game(Strategy.Naive, 1, 0, Crossing).Play(3);

        Assert.Equal(Outcome.A1Fails, r.Outcome);
        TraceEvent drop = Assert.Single(r.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Drop);
        Assert.Equal(DropCause.Loss, drop.Cause);
        Assert.IsType<Messenger>(drop.Payload);
        Assert.DoesNotContain(r.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Deliver);
    }

    [Fact]
    public void LossOne_TimeoutFallback_NobodyAttacks()
    {
        GameResult r = new Game(Strategy.TimeoutFallback, 1, 0, Crossing).Play(3);
        Assert.Equal(Outcome.NothingHappens, r.Outcome);
        Assert.True(r.A1.CallingOff);
    }

    [Fact]
    public void Acks_TheLastMessageLost_LeavesItsSenderAttackingAlone()
    {
        // Find seeds whose chain broke exactly at the last messenger (k = 2: A1 -> A2 -> A1 -> A2).
        var game = new Game(Strategy.Acks, 0.3, 0, Crossing, Rounds: 2);
        int seen = 0;
        for (ulong seed = 0; seed < 300; seed++)
        {
            GameResult r = game.Play(seed);
            bool lastLost = r.A2.HighestReceived == 0 && r.A1.HighestReceived == 1;
            if (lastLost)
            {
                seen++;
                Assert.Equal(Outcome.A1Fails, r.Outcome);
                Assert.Equal(2, r.Simulation.Trace.Events.Single(e => e.Kind == TraceEventKind.Drop).Payload is Messenger m ? m.Index : -1);
            }
            else
            {
                Assert.NotEqual(Outcome.A1Fails, r.Outcome);
            }

            Assert.NotEqual(Outcome.A2Fails, r.Outcome); // with k even the last messenger goes to A2
        }

        Assert.True(seen > 20, $"only {seen} runs lost the last messenger");
    }

    [Fact]
    public void Redundant_DeliveryRate_MatchesOneMinusPToTheN()
    {
        var game = new Game(Strategy.Redundant, 0.5, 0, Crossing, Messengers: 3);
        const int n = 4000;
        int delivered = 0;
        for (ulong seed = 0; seed < n; seed++)
        {
            delivered += game.Play(seed, recordTrace: false).OrderDelivered ? 1 : 0;
        }

        Rates.AssertWithin(delivered, n, 1 - Math.Pow(0.5, 3), 0.999);
    }

    [Fact]
    public void TimeoutFallback_A1NeverAttacksAlone()
    {
        var game = new Game(Strategy.TimeoutFallback, 0.5, 0, Crossing);
        var outcomes = Enumerable.Range(0, 1000).Select(s => game.Play((ulong)s, recordTrace: false).Outcome).ToList();

        Assert.DoesNotContain(Outcome.A1Fails, outcomes);
        Assert.Contains(Outcome.NothingHappens, outcomes);
        Assert.Contains(Outcome.CityCaptured, outcomes);
    }
}

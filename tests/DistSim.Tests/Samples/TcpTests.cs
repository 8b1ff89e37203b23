using System.Text.Json;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Samples.Tcp;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using FsCheck.Xunit;

namespace DistSim.Tests.Samples;

public class RtoEstimatorTests
{
    private static RtoEstimator Rfc() => new(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));

    [Fact]
    public void BeforeAnyMeasurement_RtoIsTheInitialOne() => Assert.Equal(TimeSpan.FromSeconds(1), Rfc().Rto);

    [Fact]
    public void FirstSample_TwoSeconds_GivesRtoSixSeconds()
    {
        RtoEstimator e = Rfc();
        e.Sample(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), e.Srtt);
        Assert.Equal(TimeSpan.FromSeconds(1), e.RttVar);
        Assert.Equal(TimeSpan.FromSeconds(6), e.Rto);
    }

    [Fact]
    public void SecondSample_OneSecond_GivesRto5875Milliseconds()
    {
        RtoEstimator e = Rfc();
        e.Sample(TimeSpan.FromSeconds(2));
        e.Sample(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), e.RttVar); // 3/4·1 + 1/4·|2 − 1|
        Assert.Equal(TimeSpan.FromSeconds(1.875), e.Srtt); // 7/8·2 + 1/8·1
        Assert.Equal(TimeSpan.FromSeconds(5.875), e.Rto);
    }

    [Fact]
    public void SmallRoundTrips_AreFlooredAtTheMinimum()
    {
        RtoEstimator e = Rfc();
        for (int i = 0; i < 20; i++)
        {
            e.Sample(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), e.Rto);
        Assert.True(e.Srtt < TimeSpan.FromMilliseconds(11));
    }

    [Fact]
    public void Granularity_BoundsTheVarianceTerm()
    {
        var e = new RtoEstimator(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));
        for (int i = 0; i < 50; i++)
        {
            e.Sample(TimeSpan.FromMilliseconds(100)); // RTTVAR decays towards 0; G takes over
        }

        Assert.Equal(TimeSpan.FromMilliseconds(600), e.Rto);
    }

    [Fact]
    public void Timeout_DoublesTheRto_UpToTheMaximum()
    {
        RtoEstimator e = Rfc();
        e.Sample(TimeSpan.FromSeconds(2)); // 6 s
        e.Backoff();
        Assert.Equal(TimeSpan.FromSeconds(12), e.Rto);
        e.Backoff();
        e.Backoff();
        Assert.Equal(TimeSpan.FromSeconds(48), e.Rto);
        e.Backoff();
        Assert.Equal(TimeSpan.FromSeconds(60), e.Rto);
    }

    [Fact]
    public void InvalidParameters_AreNamed()
    {
        Assert.Equal("minimum", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new RtoEstimator(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))).ParamName);
        Assert.Equal("maximum", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new RtoEstimator(TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))).ParamName);
    }
}

public class TcpTests
{
    private static readonly NodeId SenderId = new(0), ReceiverId = new(1);

    /// <summary>
    /// A sender against a scripted receiver: <paramref name="reply"/> decides the acknowledgement for each
    /// arriving segment (null: stay silent, like a lost segment).
    /// </summary>
    private static (DistSim.Simulation Sim, TcpSender Sender) Scripted(TcpOptions options, Func<Segment, int, SegmentAck?> reply)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 1,
            Network = new FairLossLinkOptions { Delay = Delay.Constant(TimeSpan.FromMilliseconds(10)) },
        });
        int arrivals = 0;
        sim.AddNode("sender", () => new TcpSender(ReceiverId, options));
        sim.AddNode("receiver", () => new Scripted(onMessage: (c, from, m) =>
        {
            if (m is Segment s && reply(s, arrivals++) is { } ack)
            {
                c.Send(from, ack);
            }
        }));
        sim.RunUntil(SimTime.FromSeconds(30));
        return (sim, sim.GetNode<TcpSender>(SenderId));
    }

    [Fact(DisplayName = "Fast retransmit happens on exactly the third duplicate ACK, before the RTO")]
    public void FastRetransmit_OnExactlyTheThirdDuplicateAck()
    {
        var options = new TcpOptions { Messages = 8, Window = 8, RtoMin = TimeSpan.FromSeconds(1) };
        // The first copy of segment 1 is "lost": the receiver acknowledges 0, then keeps asking for 1.
        int ones = 0;
        (_, TcpSender sender) = Scripted(options, (s, _) => s.Seq switch
        {
            0 => new SegmentAck(1, 64, 0, s.SentAt),
            1 when ones++ == 0 => null,
            1 => new SegmentAck(8, 64, 1, s.SentAt), // the retransmission fills the hole
            _ => new SegmentAck(1, 64, s.Seq, s.SentAt),
        });

        (SimTime at, long seq, RetransmitKind kind, TimeSpan rto, int duplicates) = sender.Retransmissions[0];
        Assert.Equal(RetransmitKind.Fast, kind);
        Assert.Equal(3, duplicates); // on the third duplicate ACK: not the second, not the fourth
        Assert.Equal(1, seq);
        // All eight segments arrive at 10 ms; the ACK of 0 and then the duplicate ACKs of 2, 3, 4, … reach the
        // sender at 20 ms, and the third duplicate (from segment 4) triggers the retransmission:
        Assert.Equal(SimTime.FromSeconds(0.02), at);
        Assert.True(at.SinceStart < rto, "before the RTO");
        Assert.Equal(1, sender.FastRetransmits);
        Assert.Equal(0, sender.TimeoutRetransmissions);
        Assert.Equal(6, sender.DuplicateAcks); // from segments 2 to 7, but only the third one retransmits
        Assert.Single(sender.Retransmissions);
        Assert.Equal(SimTime.FromSeconds(0.04), sender.FinishedAt);
    }

    [Fact]
    public void TwoDuplicateAcks_DoNotRetransmit_TheTimerDoes()
    {
        var options = new TcpOptions { Messages = 3, Window = 3, RtoMin = TimeSpan.FromMilliseconds(300), RtoInitial = TimeSpan.FromMilliseconds(300) };
        int ones = 0;
        (_, TcpSender sender) = Scripted(options, (s, _) => s.Seq switch
        {
            0 => new SegmentAck(1, 64, 0, s.SentAt),
            1 when ones++ == 0 => null, // lost once
            1 => new SegmentAck(3, 64, 1, s.SentAt),
            _ => new SegmentAck(1, 64, s.Seq, s.SentAt), // only one duplicate ACK (segment 2)
        });

        Assert.Equal(0, sender.FastRetransmits);
        Assert.Equal(1, sender.TimeoutRetransmissions);
        Assert.Equal(RetransmitKind.Timeout, sender.Retransmissions.Single().Kind);
    }

    [Fact(DisplayName = "Karn: the ACK of a retransmitted segment does not change SRTT")]
    public void Karn_RetransmittedSegmentGivesNoSample()
    {
        var options = new TcpOptions { Messages = 2, Window = 1, Timestamps = false, RtoMin = TimeSpan.FromMilliseconds(200), RtoInitial = TimeSpan.FromMilliseconds(200) };
        int zeros = 0;
        (_, TcpSender sender) = Scripted(options, (s, _) => s.Seq switch
        {
            0 when zeros++ == 0 => null, // the first copy of segment 0 is lost
            0 => new SegmentAck(1, 64, 0, s.SentAt),
            _ => new SegmentAck(2, 64, 1, s.SentAt),
        });

        Assert.Equal(1, sender.TimeoutRetransmissions);
        Assert.Equal(1, sender.Rto.Samples); // only segment 1, sent once
        Assert.Equal(TimeSpan.FromMilliseconds(20), sender.Rto.Srtt); // not 200 ms + 20 ms from the retransmitted 0
    }

    [Fact]
    public void Timestamps_MeasureEvenARetransmittedSegment_Correctly()
    {
        var options = new TcpOptions { Messages = 1, Window = 1, RtoMin = TimeSpan.FromMilliseconds(200), RtoInitial = TimeSpan.FromMilliseconds(200) };
        int zeros = 0;
        (_, TcpSender sender) = Scripted(options, (s, _) => zeros++ == 0 ? null : new SegmentAck(1, 64, 0, s.SentAt));

        Assert.Equal(1, sender.Rto.Samples);
        Assert.Equal(TimeSpan.FromMilliseconds(20), sender.Rto.Srtt); // the echo names the retransmission, so no ambiguity
    }

    [Fact]
    public void ConsecutiveTimeouts_AbortWithAnError()
    {
        var options = new TcpOptions { Messages = 1, Window = 1, MaxRetries = 3, RtoMin = TimeSpan.FromMilliseconds(100), RtoInitial = TimeSpan.FromMilliseconds(100) };
        (_, TcpSender sender) = Scripted(options, (_, _) => null);

        Assert.Equal(3, sender.TimeoutRetransmissions);
        Assert.NotNull(sender.Error);
        Assert.Contains("after 3 retransmissions", sender.Error, StringComparison.Ordinal);
        Assert.Equal([0.1, 0.3, 0.7], sender.Retransmissions.Select(r => r.At.TotalSeconds)); // 100, 200, 400 ms: doubling
    }

    [Property(MaxTest = 15)]
    public bool AnySeed_DeliversInOrderExactlyOnce_AndNeverBuffersBeyondRwnd(ulong seed)
    {
        var options = new TcpOptions { Messages = 400, Window = 24, ReceiveWindow = 8, MaxRetries = 40 };
        TcpResult r = TcpScenario.Transfer(seed, options, new FairLossLinkOptions
        {
            LossProbability = 0.2,
            DuplicateProbability = 0.1,
            Delay = Delay.Uniform(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40)),
        });
        return r.InOrderExactlyOnce && r.Receiver.MaxBuffered <= options.ReceiveWindow - 1 && r.Receiver.OutOfWindowDrops > 0;
    }

    [Fact]
    public void TheIssuesCommand_DeliversInOrderExactlyOnce_WithBothKindsOfRetransmission()
    {
        var output = new StringWriter();
        int code = Runner.Execute(["tcp", "--loss", "0.3", "--duplicate", "0.05", "--messages", "10000", "--seed", "1", "--json"], output, new StringWriter());

        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(output.ToString());
        JsonElement r = doc.RootElement;
        Assert.True(r.GetProperty("deliveredInOrderExactlyOnce").GetBoolean());
        Assert.Equal(10_000, r.GetProperty("delivered").GetInt64());
        Assert.True(r.GetProperty("timeoutRetransmissions").GetInt64() > 0);
        Assert.True(r.GetProperty("fastRetransmits").GetInt64() > 0);
        Assert.True(r.GetProperty("duplicateAcks").GetInt64() > 0);
    }
}

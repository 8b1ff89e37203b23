using DistSim.Failures;

namespace DistSim.Tests.Failures;

public class FailureModelTests
{
    [Fact]
    public void BuiltInModels_FormAStrictChainOfSubsets()
    {
        IReadOnlyList<FailureModel> chain = FailureModels.Chain;
        for (int i = 0; i + 1 < chain.Count; i++)
        {
            Assert.True(chain[i].IsSubsetOf(chain[i + 1]), $"{chain[i]} ⊆ {chain[i + 1]}");
            Assert.False(chain[i + 1].IsSubsetOf(chain[i]), $"{chain[i + 1]} ⊄ {chain[i]}");
        }

        // and transitively: every weaker model is inside every stronger one
        for (int i = 0; i < chain.Count; i++)
        {
            for (int j = i; j < chain.Count; j++)
            {
                Assert.True(chain[i].IsSubsetOf(chain[j]));
            }
        }
    }

    [Fact]
    public void Models_DeclareTheBehavioursOfTheTheory()
    {
        Assert.Equal(FaultKinds.Stop, FailureModels.CrashStop.Allowed);
        Assert.Equal(FaultKinds.Stop | FaultKinds.Restart, FailureModels.CrashRecover().Allowed);
        Assert.Equal(FaultKinds.Stop | FaultKinds.Restart | FaultKinds.DropSend | FaultKinds.DropReceive, FailureModels.Omission().Allowed);
        Assert.True(FailureModels.Byzantine.Allows(FaultKinds.Lie | FaultKinds.Forge | FaultKinds.Equivocate | FaultKinds.Tamper | FaultKinds.Replay));
        Assert.Equal(FaultKinds.None, FailureModels.None.Allowed);
    }

    [Theory]
    [InlineData(-0.1, 0, "SendOmissionProbability")]
    [InlineData(0, 1.1, "ReceiveOmissionProbability")]
    public void Omission_InvalidProbability_NamesIt(double send, double receive, string parameter) =>
        Assert.Equal(parameter, Assert.ThrowsAny<ArgumentException>(() => FailureModels.Omission(send, receive)).ParamName);

    [Fact]
    public void CrashStop_WithOmissionProbability_IsRejected()
    {
        FailureModel bad = FailureModels.CrashStop with { SendOmissionProbability = 0.5 };
        Assert.Equal("SendOmissionProbability", Assert.ThrowsAny<ArgumentException>(() => bad.Validate()).ParamName);
    }
}

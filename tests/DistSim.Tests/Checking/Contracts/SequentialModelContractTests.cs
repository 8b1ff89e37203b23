using DistSim.Checking;
using DistSim.Tests.Checking.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Checking.Contracts;

/// <summary>
/// The contract of a sequential model (<see cref="ISequentialModel{TState, TInput, TOutput}"/>), run for every built-in
/// model and meant for users' own: a stable initial state, pure steps, value equality of states (the checker's memo
/// depends on it), histories the model itself produces are linearizable — sequential or concurrent, with pending
/// operations that did or did not take effect — and one corrupted answer in a sequential history is not; and the
/// checker agrees with brute force on small random histories, evidence included.
/// </summary>
/// <remarks>
/// A subclass gives the model, a generator of inputs, a correct object's answers (<see cref="Answer"/>), wrong ones
/// (<see cref="TryCorrupt"/>) and random ones (<see cref="Outputs"/>). Partitioned models are driven per partition.
/// </remarks>
public abstract class SequentialModelContractTests<TState, TInput, TOutput>
{
    /// <summary>The model under test.</summary>
    protected abstract ISequentialModel<TState, TInput, TOutput> Model { get; }

    /// <summary>Calls, from a small domain (so that states meet again).</summary>
    protected abstract Gen<TInput> Inputs { get; }

    /// <summary>Answers of any kind, right or wrong, for random histories.</summary>
    protected abstract Gen<TOutput> Outputs { get; }

    /// <summary>Calls whose answers, in sequence, tell states apart (a read; dequeues until empty).</summary>
    protected abstract IReadOnlyList<TInput> Probes { get; }

    /// <summary>What a correct object answers to <paramref name="input"/> in <paramref name="state"/>.</summary>
    protected abstract TOutput Answer(TState state, TInput input);

    /// <summary>An answer a correct object would not give; false when the answer to <paramref name="input"/> is not checked (a write).</summary>
    protected abstract bool TryCorrupt(TState state, TInput input, TOutput answer, out TOutput wrong);

    private IPartitionedModel<TInput>? Partitioned => Model as IPartitionedModel<TInput>;

    private string KeyOf(TInput input) => Partitioned?.PartitionKey(input) ?? string.Empty;

    [Fact]
    public void Initial_IsStable()
    {
        TState a = Model.Initial, b = Model.Initial;
        Assert.Equal(a, b);
        Assert.Equal(EqualityComparer<TState>.Default.GetHashCode(a!), EqualityComparer<TState>.Default.GetHashCode(b!));
        Assert.Equal(Observe(a), Observe(b));
    }

    [Property(MaxTest = 200)]
    public Property Step_IsPureAndDeterministic() =>
        Prop.ForAll(Gen.ListOf(Inputs).ToArbitrary(), inputs =>
        {
            // Two replays of the same calls meet the same states and verdicts, and stepping a state twice does not change it.
            TState s1 = Model.Initial, s2 = Model.Initial;
            foreach (TInput input in inputs)
            {
                TOutput answer = Answer(s1, input);
                (bool legal1, TState next1) = Model.Step(s1, input, answer);
                (bool again, TState twice) = Model.Step(s1, input, answer);
                (bool legal2, TState next2) = Model.Step(s2, input, answer);
                if (!legal1 || !again || !legal2 || !Equals(next1, twice) || !Equals(next1, next2))
                {
                    return false;
                }

                (bool p1, TState pending1) = Model.StepPending(s1, input, default!);
                (bool p2, TState pending2) = Model.StepPending(s1, input, default!);
                if (p1 != p2 || !Equals(pending1, pending2))
                {
                    return false;
                }

                s1 = next1;
                s2 = next2;
            }

            return Equals(s1, Replay(inputs));
        });

    [Property(MaxTest = 300)]
    public Property States_HaveValueEquality() =>
        Prop.ForAll(Gen.ListOf(Inputs).Two().ToArbitrary(), pair =>
        {
            TState a = Replay(pair.Item1), b = Replay(pair.Item2);
            bool equal = EqualityComparer<TState>.Default.Equals(a, b);
            bool sameHash = EqualityComparer<TState>.Default.GetHashCode(a!) == EqualityComparer<TState>.Default.GetHashCode(b!);
            // Equal exactly when no probe tells them apart; equal states hash alike.
            return equal == (Observe(a) == Observe(b)) && (!equal || sameHash);
        });

    [Property(MaxTest = 200)]
    public Property SequentialHistories_FromTheModel_AreLinearizable() =>
        Prop.ForAll(Gen.ListOf(Inputs).ToArbitrary(), inputs =>
        {
            List<Operation<TInput, TOutput>> ops = Sequential(inputs, corrupt: -1);
            LinearizabilityResult<TState, TInput, TOutput> result = Linearizability.Analyze(ops, Model);
            Assert.Equal(LinearizabilityVerdict.Linearizable, result.Verdict);
            AssertWitness(ops, result);
        });

    [Property(MaxTest = 200)]
    public Property SequentialHistories_WithOneCorruptedAnswer_AreNotLinearizable() =>
        Prop.ForAll(Gen.NonEmptyListOf(Inputs).SelectMany(l => Gen.Choose(0, l.Count - 1).Select(i => (Inputs: l, At: i))).ToArbitrary(), c =>
        {
            List<Operation<TInput, TOutput>> ops = Sequential(c.Inputs, c.At);
            bool corrupted = ops.Count > 0 && !Equals(ops[c.At].Output, Sequential(c.Inputs, -1)[c.At].Output);
            LinearizabilityResult<TState, TInput, TOutput> result = Linearizability.Analyze(ops, Model);
            // Only answers that are checked can be corrupted; then the one order real time allows is refused, at that operation.
            return !corrupted || (result.Verdict == LinearizabilityVerdict.NotLinearizable && ReferenceEquals(result.FailingOperation, ops[c.At]));
        });

    [Property(MaxTest = 200)]
    public Property ConcurrentHistories_FromTheModel_AreLinearizable() =>
        Prop.ForAll(Plans(maxOps: 14).ToArbitrary(), plan =>
        {
            List<Operation<TInput, TOutput>> ops = Execute(plan, randomAnswers: null);
            LinearizabilityResult<TState, TInput, TOutput> result = Linearizability.Analyze(ops, Model);
            Assert.Equal(LinearizabilityVerdict.Linearizable, result.Verdict);
            AssertWitness(ops, result);
        });

    [Property(MaxTest = 300)]
    public Property SmallRandomHistories_AgreeWithBruteForce() =>
        Prop.ForAll(RandomHistories.ToArbitrary(), c =>
        {
            List<Operation<TInput, TOutput>> ops = Execute(c.Plan, c.Answers);
            LinearizabilityResult<TState, TInput, TOutput> result = Linearizability.Analyze(ops, Model);
            var parts = ops.GroupBy(o => KeyOf(o.Input)).Select(g => (Key: g.Key, Ops: g.ToList(), Brute: BruteForce.Check(g.ToList(), Model))).ToList();
            bool expected = parts.All(p => p.Brute.Linearizable);
            Assert.Equal(expected ? LinearizabilityVerdict.Linearizable : LinearizabilityVerdict.NotLinearizable, result.Verdict);
            if (expected)
            {
                AssertWitness(ops, result);
                return;
            }

            // The failing operation is Knossos's: the first, in return order, that no linearizable prefix reaches; the prefix is valid and leaves it out.
            var failingPart = parts.First(p => !p.Brute.Linearizable);
            Assert.Equal(Partitioned is null ? null : failingPart.Key, result.FailingPartition);
            Assert.Same(BruteForce.ByRank(failingPart.Ops, failingPart.Brute.Best), result.FailingOperation);
            Linearizations.AssertValidPrefix(failingPart.Ops, result.Prefix, Model);
            Assert.DoesNotContain(result.Prefix, p => ReferenceEquals(p.Operation, result.FailingOperation));
            Assert.Equal(failingPart.Brute.Best, result.Prefix.Count(p => !p.Operation.IsPending && BruteForce.ReturnRanks(failingPart.Ops)[failingPart.Ops.IndexOf(p.Operation)] < failingPart.Brute.Best));
        });

    /// <summary>Plans of at most 7 operations, each with a draw (below 4: answer at random) and a random answer.</summary>
    private Gen<((TInput Input, int Client, int Call, int Length, int Point, int Fate)[] Plan, (int Draw, TOutput Output)[] Answers)> RandomHistories =>
        from plan in Plans(maxOps: 7)
        from answers in (from draw in Gen.Choose(0, 9) from output in Outputs select (draw, output)).ArrayOf(plan.Length)
        select (plan, answers);

    /// <summary>A random schedule: per operation its input, client, call time, duration, where in it the operation takes effect, and whether it ends pending.</summary>
    private Gen<(TInput Input, int Client, int Call, int Length, int Point, int Fate)[]> Plans(int maxOps) =>
        Gen.Choose(0, maxOps).SelectMany(n =>
            (from input in Inputs
             from client in Gen.Choose(0, 3)
             from call in Gen.Choose(0, 30)
             from length in Gen.Choose(0, 12)
             from point in Gen.Choose(0, 100)
             from fate in Gen.Choose(0, 9)
             select (input, client, call, length, point, fate)).ArrayOf(n));

    /// <summary>
    /// Runs a plan on a correct object: operations take effect in the order of their points (within their call and
    /// return), answered by <see cref="Answer"/> — or, where <paramref name="randomAnswers"/> says so (draw &lt; 4), with a
    /// random answer. Fate 0 or 1: pending, having taken effect; fate 2: pending, never taking effect.
    /// </summary>
    private List<Operation<TInput, TOutput>> Execute((TInput Input, int Client, int Call, int Length, int Point, int Fate)[] plan, (int Draw, TOutput Output)[]? randomAnswers)
    {
        var outputs = new TOutput[plan.Length];
        var states = new Dictionary<string, TState>();
        foreach (int i in Enumerable.Range(0, plan.Length).OrderBy(i => (plan[i].Call * 100) + (plan[i].Length * plan[i].Point)).ThenBy(i => i))
        {
            if (plan[i].Fate == 2)
            {
                continue;
            }

            string key = KeyOf(plan[i].Input);
            TState state = states.TryGetValue(key, out TState? s) ? s : Model.Initial;
            outputs[i] = Answer(state, plan[i].Input);
            states[key] = Model.Step(state, plan[i].Input, outputs[i]).Next;
            if (randomAnswers is not null && randomAnswers[i].Draw < 4)
            {
                outputs[i] = randomAnswers[i].Output;
            }
        }

        return [.. plan.Select((p, i) => new Operation<TInput, TOutput>(p.Client, p.Call, p.Fate <= 2 ? long.MaxValue : p.Call + p.Length, p.Input, p.Fate <= 2 ? default! : outputs[i]))];
    }

    /// <summary>One call after another, answered by <see cref="Answer"/>; the answer of operation <paramref name="corrupt"/> is made wrong if it can be.</summary>
    private List<Operation<TInput, TOutput>> Sequential(IReadOnlyList<TInput> inputs, int corrupt)
    {
        var ops = new List<Operation<TInput, TOutput>>();
        var states = new Dictionary<string, TState>();
        for (int i = 0; i < inputs.Count; i++)
        {
            string key = KeyOf(inputs[i]);
            TState state = states.TryGetValue(key, out TState? s) ? s : Model.Initial;
            TOutput answer = Answer(state, inputs[i]);
            (bool legal, TState next) = Model.Step(state, inputs[i], answer);
            Assert.True(legal, $"the model refuses the correct answer {answer} to {inputs[i]} in {state}");
            states[key] = next;
            ops.Add(new(i % 3, 2 * i, (2 * i) + 1, inputs[i], i == corrupt && TryCorrupt(state, inputs[i], answer, out TOutput wrong) ? wrong : answer));
        }

        return ops;
    }

    private TState Replay(IEnumerable<TInput> inputs)
    {
        TState state = Model.Initial;
        foreach (TInput input in inputs)
        {
            state = Model.Step(state, input, Answer(state, input)).Next;
        }

        return state;
    }

    /// <summary>The answers of <see cref="Probes"/> in sequence, as text.</summary>
    private string Observe(TState state)
    {
        var answers = new List<string>();
        foreach (TInput probe in Probes)
        {
            TOutput answer = Answer(state, probe);
            answers.Add(answer?.ToString() ?? "null");
            state = Model.Step(state, probe, answer).Next;
        }

        return string.Join(" | ", answers);
    }

    /// <summary>A linearizable result's witness: per partition (or whole), a valid linearization of that part.</summary>
    private void AssertWitness(List<Operation<TInput, TOutput>> ops, LinearizabilityResult<TState, TInput, TOutput> result)
    {
        if (result.Partitions.Count == 0)
        {
            Linearizations.AssertValidLinearization(ops, result.Prefix, Model);
            return;
        }

        Assert.Equal(ops.Select(o => KeyOf(o.Input)).Distinct(), result.Partitions.Select(p => p.Partition));
        foreach (LinearizabilityResult<TState, TInput, TOutput> part in result.Partitions)
        {
            Linearizations.AssertValidLinearization([.. ops.Where(o => KeyOf(o.Input) == part.Partition)], part.Prefix, Model);
        }
    }
}

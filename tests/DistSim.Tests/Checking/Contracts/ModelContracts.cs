using DistSim.Checking;
using FsCheck;
using FsCheck.Fluent;

namespace DistSim.Tests.Checking.Contracts;

public sealed class RegisterModelContract : SequentialModelContractTests<int, RegisterInput<int>, int>
{
    protected override ISequentialModel<int, RegisterInput<int>, int> Model { get; } = new RegisterModel<int>(0);

    protected override Gen<RegisterInput<int>> Inputs =>
        Gen.Frequency((1, Gen.Constant(RegisterInput<int>.Read)), (1, Gen.Choose(0, 3).Select(RegisterInput<int>.Write)));

    protected override Gen<int> Outputs => Gen.Choose(0, 3);

    protected override IReadOnlyList<RegisterInput<int>> Probes => [RegisterInput<int>.Read];

    protected override int Answer(int state, RegisterInput<int> input) => input.Kind == RegisterOperation.Read ? state : 0;

    protected override bool TryCorrupt(int state, RegisterInput<int> input, int answer, out int wrong)
    {
        wrong = state + 1;
        return input.Kind == RegisterOperation.Read;
    }
}

public sealed class CasRegisterModelContract : SequentialModelContractTests<int?, CasRegisterInput<int?>, CasRegisterOutput<int?>>
{
    protected override ISequentialModel<int?, CasRegisterInput<int?>, CasRegisterOutput<int?>> Model { get; } = new CasRegisterModel<int?>(null);

    private static Gen<int?> Values => Gen.Frequency((1, Gen.Constant<int?>(null)), (4, Gen.Choose(0, 2).Select(v => (int?)v)));

    protected override Gen<CasRegisterInput<int?>> Inputs => Gen.Frequency(
        (2, Gen.Constant(CasRegisterInput<int?>.Read)),
        (1, Values.Select(CasRegisterInput<int?>.Write)),
        (2, Values.Two().Select(p => CasRegisterInput<int?>.CompareAndSet(p.Item1, p.Item2))));

    protected override Gen<CasRegisterOutput<int?>> Outputs =>
        from v in Values from ok in Gen.Elements(true, false) select new CasRegisterOutput<int?>(v, ok);

    protected override IReadOnlyList<CasRegisterInput<int?>> Probes => [CasRegisterInput<int?>.Read];

    protected override CasRegisterOutput<int?> Answer(int? state, CasRegisterInput<int?> input) => input.Kind switch
    {
        CasRegisterOperation.Read => CasRegisterOutput<int?>.Read(state),
        CasRegisterOperation.CompareAndSet => CasRegisterOutput<int?>.CompareAndSet(state == input.Expected),
        _ => CasRegisterOutput<int?>.Written,
    };

    protected override bool TryCorrupt(int? state, CasRegisterInput<int?> input, CasRegisterOutput<int?> answer, out CasRegisterOutput<int?> wrong)
    {
        wrong = input.Kind == CasRegisterOperation.Read ? CasRegisterOutput<int?>.Read((state ?? -1) + 1) : answer with { Succeeded = !answer.Succeeded };
        return input.Kind != CasRegisterOperation.Write;
    }
}

public sealed class KeyValueModelContract : SequentialModelContractTests<string, KvInput, string?>
{
    protected override ISequentialModel<string, KvInput, string?> Model => KeyValueModel.Instance;

    protected override Gen<KvInput> Inputs =>
        from kind in Gen.Elements(KvOperation.Get, KvOperation.Get, KvOperation.Put, KvOperation.Append)
        from key in Gen.Elements("x", "y")
        from value in Gen.Elements("a", "b")
        select new KvInput(kind, key, value);

    protected override Gen<string?> Outputs => Gen.Elements<string?>(null, "", "a", "b", "ab", "ba", "aa");

    protected override IReadOnlyList<KvInput> Probes => [new KvInput(KvOperation.Get, "x", "")];

    protected override string? Answer(string state, KvInput input) => input.Kind == KvOperation.Get ? state : null;

    protected override bool TryCorrupt(string state, KvInput input, string? answer, out string? wrong)
    {
        wrong = state + "!";
        return input.Kind == KvOperation.Get;
    }
}

public sealed class SetModelContract : SequentialModelContractTests<SetState<int>, SetInput<int>, SetOutput<int>>
{
    protected override ISequentialModel<SetState<int>, SetInput<int>, SetOutput<int>> Model => SetModel<int>.Instance;

    protected override Gen<SetInput<int>> Inputs => Gen.Frequency(
        (3, Gen.Choose(0, 3).Select(SetInput<int>.Add)),
        (2, Gen.Choose(0, 3).Select(SetInput<int>.Remove)),
        (2, Gen.Choose(0, 3).Select(SetInput<int>.Contains)),
        (2, Gen.Constant(SetInput<int>.Read)));

    protected override Gen<SetOutput<int>> Outputs => Gen.OneOf(
        Gen.Elements(true, false).Select(SetOutput<int>.Contains),
        Gen.SubListOf([0, 1, 2, 3]).Select(l => SetOutput<int>.Read(l)),
        Gen.Constant(SetOutput<int>.None));

    protected override IReadOnlyList<SetInput<int>> Probes => [SetInput<int>.Read];

    protected override SetOutput<int> Answer(SetState<int> state, SetInput<int> input) => input.Kind switch
    {
        SetOperation.Contains => SetOutput<int>.Contains(state.Contains(input.Element)),
        SetOperation.Read => SetOutput<int>.Read(state.Elements),
        _ => SetOutput<int>.None,
    };

    protected override bool TryCorrupt(SetState<int> state, SetInput<int> input, SetOutput<int> answer, out SetOutput<int> wrong)
    {
        wrong = input.Kind == SetOperation.Contains ? SetOutput<int>.Contains(!answer.Found) : SetOutput<int>.Read(state.Elements.Append(99));
        return input.Kind is SetOperation.Contains or SetOperation.Read;
    }
}

public sealed class FifoQueueModelContract : SequentialModelContractTests<QueueState<int>, QueueInput<int>, QueueOutput<int>>
{
    protected override ISequentialModel<QueueState<int>, QueueInput<int>, QueueOutput<int>> Model => FifoQueueModel<int>.Instance;

    protected override Gen<QueueInput<int>> Inputs =>
        Gen.Frequency((3, Gen.Choose(0, 2).Select(QueueInput<int>.Enqueue)), (2, Gen.Constant(QueueInput<int>.Dequeue)));

    protected override Gen<QueueOutput<int>> Outputs =>
        Gen.Frequency((1, Gen.Constant(QueueOutput<int>.Empty)), (3, Gen.Choose(0, 2).Select(QueueOutput<int>.Dequeued)));

    protected override IReadOnlyList<QueueInput<int>> Probes => [.. Enumerable.Repeat(QueueInput<int>.Dequeue, 40)];

    protected override QueueOutput<int> Answer(QueueState<int> state, QueueInput<int> input) =>
        input.Kind == QueueOperation.Dequeue && state.Count > 0 ? QueueOutput<int>.Dequeued(state.Head) : QueueOutput<int>.Empty;

    protected override bool TryCorrupt(QueueState<int> state, QueueInput<int> input, QueueOutput<int> answer, out QueueOutput<int> wrong)
    {
        wrong = state.Count == 0 ? QueueOutput<int>.Dequeued(7) : state.Count == 1 ? QueueOutput<int>.Empty : QueueOutput<int>.Dequeued(state.Items[1] == state.Head ? 7 : state.Items[1]);
        return input.Kind == QueueOperation.Dequeue;
    }
}

public sealed class CounterModelContract : SequentialModelContractTests<long, CounterInput, long>
{
    protected override ISequentialModel<long, CounterInput, long> Model { get; } = new CounterModel(5);

    protected override Gen<CounterInput> Inputs => Gen.Frequency(
        (2, Gen.Constant(CounterInput.Read)),
        (2, Gen.Constant(CounterInput.Increment)),
        (1, Gen.Choose(-2, 3).Select(a => CounterInput.Add(a))));

    protected override Gen<long> Outputs => Gen.Choose(3, 9).Select(v => (long)v);

    protected override IReadOnlyList<CounterInput> Probes => [CounterInput.Read];

    protected override long Answer(long state, CounterInput input) => input.Kind == CounterOperation.Read ? state : 0;

    protected override bool TryCorrupt(long state, CounterInput input, long answer, out long wrong)
    {
        wrong = state - 1;
        return input.Kind == CounterOperation.Read;
    }
}

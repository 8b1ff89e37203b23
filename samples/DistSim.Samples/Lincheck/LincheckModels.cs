using System.Globalization;
using DistSim.Checking;

namespace DistSim.Samples.Lincheck;

/// <summary>What one check of a file found, whatever the model.</summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Reason">Why it is unknown.</param>
/// <param name="Steps">Search steps taken.</param>
/// <param name="Partitions">Partitions checked (0: not split).</param>
/// <param name="Failing">The operation that cannot be linearized.</param>
/// <param name="FailingPartition">Its partition.</param>
/// <param name="PrefixLength">Operations in the longest linearizable prefix (or the linearization).</param>
/// <param name="WriteHtml">Draws the page of the history and the result, with a title, into a writer as it goes.</param>
public sealed record LincheckReport(
    LinearizabilityVerdict Verdict, UnknownReason Reason, long Steps, int Partitions, FileOperation? Failing, string? FailingPartition, int PrefixLength, Action<TextWriter, string> WriteHtml);

/// <summary>A model <c>lincheck</c> can check against, with the reading of a file's operations as its inputs and outputs.</summary>
public abstract class LincheckModel
{
    /// <summary>Every model, by <c>--model</c> name.</summary>
    public static IReadOnlyList<LincheckModel> All { get; } =
    [
        new Adapter<string, KvInput, string?>("kv", "get, put, append (with a key)", ["put", "append"], _ => KeyValueModel.Instance, Kv),
        new Adapter<string?, RegisterInput<string?>, string?>("register", "read, write", ["write"], i => new RegisterModel<string?>(i), Register),
        new Adapter<string?, CasRegisterInput<string?>, CasRegisterOutput<string?>>("cas-register", "read, write, cas", ["write"], i => new CasRegisterModel<string?>(i), CasRegister),
        new Adapter<SetState<string>, SetInput<string>, SetOutput<string>>("set", "add, remove, contains, read", ["add", "remove"], _ => SetModel<string>.Instance, Set),
        new Adapter<QueueState<string>, QueueInput<string>, QueueOutput<string>>("queue", "enqueue, dequeue", ["enqueue"], _ => FifoQueueModel<string>.Instance, Queue),
        new Adapter<long, CounterInput, long>("counter", "add, increment, read", ["add", "increment"], i => new CounterModel(i is null ? 0 : long.Parse(i, CultureInfo.InvariantCulture)), Counter),
    ];

    /// <summary>The <c>--model</c> name.</summary>
    public abstract string Name { get; }

    /// <summary>The operations it knows, for messages.</summary>
    public abstract string Operations { get; }

    /// <summary>Checks <paramref name="ops"/>: <paramref name="initial"/> is <c>--initial</c>; <paramref name="unknownNil"/> reads a nil answer to a read as unknown (Knossos).</summary>
    /// <exception cref="HistoryFileException">An operation is not one of this model's, or its value does not fit.</exception>
    public abstract LincheckReport Check(string file, IReadOnlyList<FileOperation> ops, string? initial, bool unknownNil, LinearizabilityOptions options, CancellationToken cancellationToken);

    /// <summary>What an operation of the file means for a model: its input, its output, and whether the answer is unknown (then it is checked as pending).</summary>
    private readonly record struct Mapped<TInput, TOutput>(TInput Input, TOutput Output, bool Unknown = false);

    private delegate Mapped<TInput, TOutput> Mapper<TInput, TOutput>(Reading r);

    /// <summary>One operation being read, with its file for errors.</summary>
    private sealed record Reading(string File, FileOperation Op, bool UnknownNil, string Model, string Operations)
    {
        public HistoryFileException Bad(string what) => HistoryFileException.At(File, Op.InvokeLine, what, Op.Describe());

        /// <summary>A bad answer: named at the line of the ok that gave it.</summary>
        public HistoryFileException BadAnswer(string what) => HistoryFileException.At(File, Op.CompleteLine ?? Op.InvokeLine, what, Op.Describe());

        public HistoryFileException UnknownF() => Bad($"'{Op.F}' is not an operation of the {Model} model ({Operations})");

        /// <summary>The invocation's scalar value (a write's, an add's); nil only where <paramref name="nilOk"/>.</summary>
        public string? Scalar(bool nilOk = false) => Op.Argument switch
        {
            { Items: not null } => throw Bad($"{Op.F} takes one value, not a list"),
            { Text: { } text } => text,
            _ => nilOk ? null : throw Bad($"{Op.F} needs a value"),
        };

        /// <summary>The answer of an operation that answers one value (a read, a get): its text, null for nil; a list is refused.</summary>
        public string? AnswerScalar(string what) => Op.Answer.Items is null ? Op.Answer.Text : throw BadAnswer($"{what} answers one value, not a list");

        /// <summary>
        /// The answer of an operation whose answer the model does not read (a write, a put, an add …: Jepsen echoes the
        /// argument, a scalar): anything but a list, which the operation cannot have answered.
        /// </summary>
        public void AnswerNotAList()
        {
            if (Op.Answer.Items is not null)
            {
                throw BadAnswer($"{Op.F} answers nil or its value, not a list");
            }
        }

        /// <summary>Whether a read's nil answer means "unknown" (EDN, as Knossos) rather than "empty".</summary>
        public bool NilUnknown => Op.Completed && Op.Answer.IsNil && UnknownNil;

        /// <summary>An integer value: the argument's, or the answer's when <paramref name="answer"/> (then named at the ok's line).</summary>
        public long Integer(HistoryDatum d, string what, bool answer = false) => d.Text is { } t && long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v : throw (answer ? BadAnswer($"{what} must be an integer, not {d}") : Bad($"{what} must be an integer, not {d}"));
    }

    private static Mapped<KvInput, string?> Kv(Reading r)
    {
        string key = r.Op.Key ?? throw r.Bad("a kv operation needs a key");
        return r.Op.F switch
        {
            "get" => new(new KvInput(KvOperation.Get, key, string.Empty), r.AnswerScalar("a get"), r.NilUnknown),
            "put" => new(new KvInput(KvOperation.Put, key, r.Scalar()!), null),
            "append" => new(new KvInput(KvOperation.Append, key, r.Scalar()!), null),
            _ => throw r.UnknownF(),
        };
    }

    private static Mapped<RegisterInput<string?>, string?> Register(Reading r) => r.Op.F switch
    {
        "read" => new(RegisterInput<string?>.Read, r.AnswerScalar("a read"), r.NilUnknown),
        "write" => new(RegisterInput<string?>.Write(r.Scalar(nilOk: true)), null),
        _ => throw r.UnknownF(),
    };

    private static Mapped<CasRegisterInput<string?>, CasRegisterOutput<string?>> CasRegister(Reading r)
    {
        switch (r.Op.F)
        {
            case "read":
                return new(CasRegisterInput<string?>.Read, CasRegisterOutput<string?>.Read(r.AnswerScalar("a read")), r.NilUnknown);
            case "write":
                return new(CasRegisterInput<string?>.Write(r.Scalar(nilOk: true)), CasRegisterOutput<string?>.Written);
            case "cas":
                if (r.Op.Argument.Items is not [{ Items: null } expected, { Items: null } value])
                {
                    throw r.Bad("cas takes [expected new]");
                }

                // ok means it swapped (Jepsen echoes the pair); an ok whose value is false means it compared and found another value.
                bool swapped = r.Op.Answer switch
                {
                    { Items: { } pair } when pair.SequenceEqual(r.Op.Argument.Items) => true,
                    { Items: null, Text: null or "true" } => true,
                    { Items: null, Text: "false" } => false,
                    _ => throw r.BadAnswer($"a cas answers false, true, nil or its [expected new] pair, not `{r.Op.Answer}`"),
                };
                return new(CasRegisterInput<string?>.CompareAndSet(expected.Text, value.Text), CasRegisterOutput<string?>.CompareAndSet(swapped));
            default:
                throw r.UnknownF();
        }
    }

    private static Mapped<SetInput<string>, SetOutput<string>> Set(Reading r)
    {
        switch (r.Op.F)
        {
            case "add":
                return new(SetInput<string>.Add(r.Scalar()!), SetOutput<string>.None);
            case "remove":
                return new(SetInput<string>.Remove(r.Scalar()!), SetOutput<string>.None);
            case "contains":
                string element = r.Scalar()!;
                bool? found = r.Op.Answer.Text switch { "true" => true, "false" => false, _ => null };
                return r.Op.Completed && found is null
                    ? throw r.BadAnswer($"a completed contains answers true or false, not {r.Op.Answer}")
                    : new(SetInput<string>.Contains(element), SetOutput<string>.Contains(found ?? false));
            case "read":
                if (r.NilUnknown || !r.Op.Completed)
                {
                    return new(SetInput<string>.Read, SetOutput<string>.None, true);
                }

                IReadOnlyList<HistoryDatum> items = r.Op.Answer.Items ?? throw r.BadAnswer($"a completed read answers a list of elements, not {r.Op.Answer}");
                return new(SetInput<string>.Read, SetOutput<string>.Read(items.Select(i => i.Text ?? throw r.BadAnswer("set elements must be scalars"))));
            default:
                throw r.UnknownF();
        }
    }

    private static Mapped<QueueInput<string>, QueueOutput<string>> Queue(Reading r) => r.Op.F switch
    {
        "enqueue" => new(QueueInput<string>.Enqueue(r.Scalar()!), QueueOutput<string>.Empty),
        "dequeue" when r.Op.Answer.Items is not null => throw r.BadAnswer("a dequeue answers one element (or nil: empty)"),
        "dequeue" => new(QueueInput<string>.Dequeue, r.Op.Answer.Text is { } e ? QueueOutput<string>.Dequeued(e) : QueueOutput<string>.Empty),
        _ => throw r.UnknownF(),
    };

    private static Mapped<CounterInput, long> Counter(Reading r) => r.Op.F switch
    {
        "increment" => new(r.Op.Argument.IsNil ? CounterInput.Increment : CounterInput.Add(r.Integer(r.Op.Argument, "an increment's value")), 0),
        "add" => new(CounterInput.Add(r.Integer(r.Op.Argument, "an add's value")), 0),
        "read" when !r.Op.Completed || r.NilUnknown => new(CounterInput.Read, 0, true),
        "read" => new(CounterInput.Read, r.Integer(r.Op.Answer, "a read's answer", answer: true)),
        _ => throw r.UnknownF(),
    };

    /// <summary>A model of the checker with the reading of a file's operations; <paramref name="unread"/> names the operations whose answer it does not read.</summary>
    private sealed class Adapter<TState, TInput, TOutput>(
        string name, string operations, string[] unread, Func<string?, ISequentialModel<TState, TInput, TOutput>> create, Mapper<TInput, TOutput> map) : LincheckModel
    {
        public override string Name => name;

        public override string Operations => operations;

        public override LincheckReport Check(string file, IReadOnlyList<FileOperation> ops, string? initial, bool unknownNil, LinearizabilityOptions options, CancellationToken cancellationToken)
        {
            var history = new List<Operation<TInput, TOutput>>(ops.Count);
            var source = new Dictionary<Operation<TInput, TOutput>, FileOperation>(ReferenceEqualityComparer.Instance);
            foreach (FileOperation op in ops)
            {
                var reading = new Reading(file, op, unknownNil, name, operations);
                if (op.Key is not null && name != "kv")
                {
                    throw reading.Bad($"keys are for --model kv; the {name} model is one object");
                }

                Mapped<TInput, TOutput> m = map(reading); // checks the argument, and every answer the model reads
                if (unread.Contains(op.F))
                {
                    reading.AnswerNotAList(); // an echo of the argument at most
                }

                var checkedOp = new Operation<TInput, TOutput>(op.Process, op.Call, m.Unknown ? long.MaxValue : op.Return, m.Input, m.Unknown ? default! : m.Output);
                history.Add(checkedOp);
                source.Add(checkedOp, op);
            }

            LinearizabilityResult<TState, TInput, TOutput> result = Linearizability.Analyze(history, create(initial), options, cancellationToken);
            var view = new HistoryViewOptions<TInput, TOutput>
            {
                Title = $"{Path.GetFileName(file)}: {name}",
                Describe = o => source[o].Describe(),
                ClientName = c => $"process {c}",
            };
            return new LincheckReport(
                result.Verdict,
                result.UnknownReason,
                result.Steps,
                result.Partitions.Count,
                result.FailingOperation is { } f ? source[f] : null,
                result.FailingPartition,
                result.Prefix.Count,
                (writer, title) => HistoryView.WriteHtml(writer, history, result, view with { Title = title }));
        }
    }
}

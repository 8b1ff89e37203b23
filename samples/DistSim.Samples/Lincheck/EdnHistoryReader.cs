using System.Globalization;
using System.Text;

namespace DistSim.Samples.Lincheck;

/// <summary>
/// Reads a Jepsen/Knossos history in EDN: operation maps such as <c>{:type :invoke, :f :write, :value 3, :process 0}</c>,
/// either one after another or inside one vector or list (as Knossos's files are), with comments (<c>;</c>), commas
/// and maps over several lines. <c>:process</c> is an integer or a keyword (<c>:nemesis</c>: skipped); <c>:key</c> is
/// read for key-value histories; other keys (<c>:time</c>, <c>:index</c>, <c>:error</c>) are ignored — events are
/// ordered by their place in the file, as Knossos orders them. Collections nest at most <see cref="DepthLimit"/> deep.
/// </summary>
public static class EdnHistoryReader
{
    /// <summary>
    /// The most collections nested in one another (the top-level one counts as one; a <c>#_</c> counts as a level for
    /// the form it discards; scalars do not count), as <see cref="System.Text.Json.JsonDocument"/>'s default: a history needs 3 (the vector of events, an event's map,
    /// a value such as <c>[expected new]</c>). Deeper nesting is refused as bad input rather than read by a recursion
    /// that could overflow the stack.
    /// </summary>
    public const int DepthLimit = 64;

    /// <summary>Reads the events of <paramref name="text"/> (named <paramref name="file"/> in errors).</summary>
    /// <exception cref="HistoryFileException">The text is not such a history (or nests deeper than <see cref="DepthLimit"/>): the message names the line and the text.</exception>
    public static List<HistoryEvent> Read(string file, string text)
    {
        var parser = new Parser(file, text);
        var forms = new List<Form>();
        while (parser.Next() is { } form)
        {
            forms.Add(form);
        }

        List<Form> maps = forms is [{ Kind: FormKind.List } only] ? [.. only.Items] : forms;
        return [.. maps.Select(m => ToEvent(file, text, m))];
    }

    private static HistoryEvent ToEvent(string file, string text, Form form)
    {
        string source = text[form.Start..form.End];
        if (form.Kind != FormKind.Map)
        {
            throw HistoryFileException.At(file, form.Line, "expected an operation map {:process …, :type …, :f …, :value …}", source);
        }

        var fields = new Dictionary<string, Form>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < form.Items.Count; i += 2)
        {
            if (form.Items[i].Kind != FormKind.Keyword)
            {
                throw HistoryFileException.At(file, form.Items[i].Line, "map keys must be keywords", source);
            }

            fields[form.Items[i].Text] = form.Items[i + 1];
        }

        Form Field(string name) => fields.TryGetValue(name, out Form? f) ? f
            : throw HistoryFileException.At(file, form.Line, $"missing :{name}", source);

        Form process = Field("process");
        int? client = process.Kind switch
        {
            FormKind.Number when int.TryParse(process.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int p) => p,
            FormKind.Keyword => null,
            _ => throw HistoryFileException.At(file, form.Line, ":process must be an integer or a keyword such as :nemesis", source),
        };
        Form type = Field("type");
        EventType kind = type.Kind == FormKind.Keyword ? type.Text switch
        {
            "invoke" => EventType.Invoke,
            "ok" => EventType.Ok,
            "fail" => EventType.Fail,
            "info" => EventType.Info,
            _ => throw HistoryFileException.At(file, form.Line, ":type must be :invoke, :ok, :fail or :info", source),
        } : throw HistoryFileException.At(file, form.Line, ":type must be a keyword", source);
        Form f = Field("f");
        if (f.Kind is not (FormKind.Keyword or FormKind.Symbol or FormKind.String))
        {
            throw HistoryFileException.At(file, form.Line, ":f must be a keyword", source);
        }

        string? key = fields.TryGetValue("key", out Form? k) ? Datum(k).Text ?? throw HistoryFileException.At(file, form.Line, ":key must be a string or a number", source) : null;
        HistoryDatum value = fields.TryGetValue("value", out Form? v) ? Datum(v) : HistoryDatum.Nil;
        return new HistoryEvent(form.Line, client, kind, f.Text, key, value, null, source);
    }

    private static HistoryDatum Datum(Form form) => form.Kind switch
    {
        FormKind.Nil => HistoryDatum.Nil,
        FormKind.Keyword => HistoryDatum.Of(":" + form.Text),
        FormKind.List => HistoryDatum.List([.. form.Items.Select(Datum)]),
        FormKind.Map => HistoryDatum.List([.. form.Items.Select(Datum)]),
        _ => HistoryDatum.Of(form.Text),
    };

    private enum FormKind
    {
        Nil,
        Bool,
        Number,
        String,
        Keyword,
        Symbol,
        List,
        Map,
    }

    private sealed record Form(FormKind Kind, string Text, IReadOnlyList<Form> Items, int Line, int Start, int End);

    /// <summary>A reader of the EDN this needs: collections, keywords, strings, numbers, nil, booleans, symbols, comments, <c>#_</c> and tags.</summary>
    private sealed class Parser(string file, string text)
    {
        private int _at;
        private int _line = 1;
        private int _depth;

        public Form? Next()
        {
            SkipBlank();
            return _at < text.Length ? ReadForm() : null;
        }

        /// <summary>
        /// Reads one form. Its recursion — a collection reads its items, a <c>#_</c> the form it discards — goes one level
        /// deeper each time (<see cref="Enter"/>), and is the only recursion of the reader and of what converts its forms,
        /// so none of them can overflow the stack; tags are read in a loop.
        /// </summary>
        private Form ReadForm()
        {
            while (true)
            {
                SkipBlank();
                if (_at >= text.Length)
                {
                    throw HistoryFileException.At(file, _line, "the file ends inside a form", text[Math.Max(0, text.Length - 40)..]);
                }

                int start = _at, line = _line;
                char c = text[_at];
                switch (c)
                {
                    case '{':
                        return Collection('}', FormKind.Map, start, line);
                    case '[':
                        return Collection(']', FormKind.List, start, line);
                    case '(':
                        return Collection(')', FormKind.List, start, line);
                    case '#' when Peek(1) == '{':
                        _at++;
                        return Collection('}', FormKind.List, start, line);
                    case '#' when Peek(1) == '_':
                        Enter(start);
                        _at += 2;
                        ReadForm(); // discarded; the value is the form after it
                        _depth--;
                        continue;
                    case '#':
                        Atom(); // a tag such as #inst: the value is the next form
                        continue;
                    case '"':
                        return String(start, line);
                    case ')' or ']' or '}':
                        throw HistoryFileException.At(file, line, $"unexpected '{c}'", Around(start));
                    default:
                        string atom = Atom();
                        FormKind kind = atom switch
                        {
                            "nil" => FormKind.Nil,
                            "true" or "false" => FormKind.Bool,
                            _ when atom.StartsWith(':') => FormKind.Keyword,
                            _ when char.IsAsciiDigit(atom[0]) || (atom.Length > 1 && atom[0] is '-' or '+' && char.IsAsciiDigit(atom[1])) => FormKind.Number,
                            _ => FormKind.Symbol,
                        };
                        return new Form(kind, kind == FormKind.Keyword ? atom[1..] : atom.TrimEnd('N', 'M'), [], line, start, _at);
                }
            }
        }

        private Form Collection(char close, FormKind kind, int start, int line)
        {
            Enter(start);
            _at++;
            var items = new List<Form>();
            while (true)
            {
                SkipBlank();
                if (_at >= text.Length)
                {
                    throw HistoryFileException.At(file, line, $"no closing '{close}'", Around(start));
                }

                if (text[_at] == close)
                {
                    _at++;
                    break;
                }

                items.Add(ReadForm());
            }

            if (kind == FormKind.Map && items.Count % 2 != 0)
            {
                throw HistoryFileException.At(file, line, "a map needs an even number of forms", text[start.._at]);
            }

            _depth--;

            return new Form(kind, string.Empty, items, line, start, _at);
        }

        /// <summary>One level deeper, for the form starting at <paramref name="start"/>; refused beyond <see cref="DepthLimit"/>.</summary>
        private void Enter(int start)
        {
            if (_depth == DepthLimit)
            {
                throw HistoryFileException.At(file, _line, $"collections nest deeper than {DepthLimit} levels (a history needs 3)", Around(start));
            }

            _depth++;
        }

        private Form String(int start, int line)
        {
            var value = new StringBuilder();
            _at++;
            while (true)
            {
                if (_at >= text.Length)
                {
                    throw HistoryFileException.At(file, line, "unterminated string", Around(start));
                }

                char c = text[_at++];
                if (c == '"')
                {
                    return new Form(FormKind.String, value.ToString(), [], line, start, _at);
                }

                if (c == '\n')
                {
                    _line++;
                }

                value.Append(c != '\\' || _at >= text.Length ? c : text[_at++] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', char e => e });
            }
        }

        private string Atom()
        {
            int start = _at;
            while (_at < text.Length && !char.IsWhiteSpace(text[_at]) && text[_at] is not (',' or '{' or '}' or '[' or ']' or '(' or ')' or '"' or ';'))
            {
                _at++;
            }

            return _at > start ? text[start.._at] : throw HistoryFileException.At(file, _line, "unexpected character", Around(start));
        }

        private void SkipBlank()
        {
            while (_at < text.Length)
            {
                char c = text[_at];
                if (c == '\n')
                {
                    _line++;
                    _at++;
                }
                else if (char.IsWhiteSpace(c) || c == ',')
                {
                    _at++;
                }
                else if (c == ';')
                {
                    while (_at < text.Length && text[_at] != '\n')
                    {
                        _at++;
                    }
                }
                else
                {
                    return;
                }
            }
        }

        private char Peek(int ahead) => _at + ahead < text.Length ? text[_at + ahead] : '\0';

        private string Around(int start) => text[start..Math.Min(text.Length, start + 80)];
    }
}

using System.Text;

namespace LedgerSync.Flows;

/// <summary>A small recursive-descent parser for the reference shell's flow syntax.</summary>
internal sealed class FlowCommandParser
{
    private readonly string _text;
    private string? _flowName;
    private int _position;

    private FlowCommandParser(string text) => _text = text;

    public static FlowCommand Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new FlowCommandParser(text).ParseCommand();
    }

    private FlowCommand ParseCommand()
    {
        SkipSpaces();
        if (TryKeyword("flow"))
        {
            SkipSpaces();
            if (!TryKeyword("start"))
            {
                throw Error("expected 'start' after 'flow'");
            }

            SkipSpaces();
        }

        var name = ReadIdentifier();
        if (name.Length == 0)
        {
            throw new FlowArgumentException(null, null, ReconciliationFlows.FlowNamesList, $"Expected a flow name at the start of '{_text}'; the flows are {string.Join(", ", ReconciliationFlows.FlowNamesList)}.");
        }

        _flowName = name;
        var arguments = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        SkipSpaces();
        while (!AtEnd)
        {
            var start = _position;
            var key = ReadIdentifier();
            SkipSpaces();
            if (key.Length == 0 || !TryChar(':'))
            {
                var rest = _text[start..];
                throw Error(rest.Contains('=', StringComparison.Ordinal)
                    ? $"expected 'parameter: value' at '{Clip(rest)}'; put party names in double quotes, for example party: \"O=PartyA, L=London, C=GB\""
                    : $"expected 'parameter: value' at '{Clip(rest)}'");
            }

            SkipSpaces();
            var values = ReadValue(key);
            if (!arguments.TryAdd(key, values))
            {
                throw new FlowArgumentException(name, key, [], $"{name}: parameter '{key}' is given more than once.");
            }

            SkipSpaces();
            if (AtEnd)
            {
                break;
            }

            if (!TryChar(','))
            {
                throw Error($"expected ',' between arguments at '{Clip(_text[_position..])}'");
            }

            SkipSpaces();
        }

        return new FlowCommand(name, arguments);
    }

    private List<string> ReadValue(string key)
    {
        if (TryChar('['))
        {
            var items = new List<string>();
            SkipSpaces();
            if (TryChar(']'))
            {
                return items;
            }

            while (true)
            {
                SkipSpaces();
                items.Add(ReadScalar(key, inList: true));
                SkipSpaces();
                if (TryChar(']'))
                {
                    return items;
                }

                if (!TryChar(','))
                {
                    throw Error($"parameter '{key}': expected ',' or ']' in the list at '{Clip(_text[_position..])}'");
                }
            }
        }

        return [ReadScalar(key, inList: false)];
    }

    private string ReadScalar(string key, bool inList)
    {
        if (AtEnd)
        {
            throw Error($"parameter '{key}' has no value");
        }

        if (TryChar('"'))
        {
            var b = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw Error($"parameter '{key}': the quoted value is not closed");
                }

                var c = _text[_position++];
                if (c == '"')
                {
                    return b.ToString();
                }

                if (c == '\\' && !AtEnd && _text[_position] is '"' or '\\')
                {
                    c = _text[_position++];
                }

                b.Append(c);
            }
        }

        var start = _position;
        while (!AtEnd && _text[_position] != ',' && !(inList && _text[_position] == ']'))
        {
            if (_text[_position] is '"' or '[' or ']')
            {
                throw Error($"parameter '{key}': unexpected '{_text[_position]}' in a bare value");
            }

            _position++;
        }

        var value = _text[start.._position].Trim();
        if (value.Length == 0)
        {
            throw Error($"parameter '{key}' has no value");
        }

        return value;
    }

    private string ReadIdentifier()
    {
        var start = _position;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_'))
        {
            _position++;
        }

        return _text[start.._position];
    }

    private bool TryKeyword(string keyword)
    {
        if (_text.AsSpan(_position).StartsWith(keyword, StringComparison.OrdinalIgnoreCase)
            && (_position + keyword.Length == _text.Length || char.IsWhiteSpace(_text[_position + keyword.Length])))
        {
            _position += keyword.Length;
            return true;
        }

        return false;
    }

    private bool TryChar(char c)
    {
        if (!AtEnd && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    private void SkipSpaces()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private bool AtEnd => _position >= _text.Length;

    private FlowArgumentException Error(string what) =>
        new(_flowName, null, [], $"{_flowName ?? "flow command"}: {what} (column {_position + 1} of the command).");

    private static string Clip(string text) => text.Length > 60 ? text[..60] + "..." : text;
}

using System.Text;

namespace LedgerSync.Samples.Node;

/// <summary>
/// The terminal the shell shares with background output (log lines, the OpenTelemetry console exporter). A background
/// line never lands after the prompt: while the shell waits for input, the prompt line is erased, the complete
/// background lines are written, and the prompt is drawn again beneath them.
/// </summary>
internal sealed class ShellConsole
{
    public const string Prompt = ">>> ";

    // ANSI: carriage return, then erase the whole line.
    private const string ErasePromptLine = "\r\u001b[2K";

    private readonly Lock _gate = new();
    private readonly TextWriter _terminal;
    private readonly bool _interactive;
    private bool _atPrompt;

    /// <param name="terminal">Where the shell's own output and prompt go.</param>
    /// <param name="interactive">Whether a person types at a terminal (then the prompt is shown and kept clear).</param>
    public ShellConsole(TextWriter terminal, bool interactive)
    {
        _terminal = terminal;
        _interactive = interactive;
        Output = new ShellWriter(this);
    }

    /// <summary>The shell's own output: command results, the banner, errors.</summary>
    public TextWriter Output { get; }

    /// <summary>Shows the prompt and marks the shell as waiting for input.</summary>
    public void ShowPrompt()
    {
        if (!_interactive)
        {
            return;
        }

        lock (_gate)
        {
            _terminal.Write(Prompt);
            _terminal.Flush();
            _atPrompt = true;
        }
    }

    /// <summary>A line was read: the prompt line now holds what the user typed.</summary>
    public void InputReceived()
    {
        lock (_gate)
        {
            _atPrompt = false;
        }
    }

    /// <summary>Wraps a writer that background threads write to, so that their lines keep off the prompt.</summary>
    public TextWriter Background(TextWriter target) => new BackgroundWriter(this, target);

    private void WriteShell(string text)
    {
        lock (_gate)
        {
            _atPrompt = false;
            _terminal.Write(text);
            _terminal.Flush();
        }
    }

    private void WriteBackgroundLines(TextWriter target, string lines)
    {
        lock (_gate)
        {
            if (_atPrompt)
            {
                _terminal.Write(ErasePromptLine);
                _terminal.Flush();
            }

            target.Write(lines);
            target.Flush();
            if (_atPrompt)
            {
                _terminal.Write(Prompt);
                _terminal.Flush();
            }
        }
    }

    private sealed class ShellWriter(ShellConsole console) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => console.WriteShell(value.ToString());

        public override void Write(string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                console.WriteShell(value);
            }
        }

        public override void Write(char[] buffer, int index, int count) => console.WriteShell(new string(buffer, index, count));
    }

    /// <summary>Buffers partial lines, and hands complete lines to the console in one piece.</summary>
    private sealed class BackgroundWriter(ShellConsole console, TextWriter target) : TextWriter
    {
        private readonly StringBuilder _pending = new();

        public override Encoding Encoding => target.Encoding;

        public override void Write(char value) => Append(value.ToString());

        public override void Write(string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                Append(value);
            }
        }

        public override void Write(char[] buffer, int index, int count) => Append(new string(buffer, index, count));

        public override void Flush()
        {
            // Partial lines wait for their end; complete ones were written already.
        }

        private void Append(string text)
        {
            string complete;
            lock (_pending)
            {
                _pending.Append(text);
                var end = LastNewLine(_pending);
                if (end < 0)
                {
                    return;
                }

                complete = _pending.ToString(0, end + 1);
                _pending.Remove(0, end + 1);
            }

            console.WriteBackgroundLines(target, complete);
        }

        private static int LastNewLine(StringBuilder text)
        {
            for (var i = text.Length - 1; i >= 0; i--)
            {
                if (text[i] == '\n')
                {
                    return i;
                }
            }

            return -1;
        }
    }
}

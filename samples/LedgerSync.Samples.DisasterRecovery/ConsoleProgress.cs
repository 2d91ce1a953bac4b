using System.Diagnostics;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// A progress line for long steps: rewritten in place on a terminal, printed every quarter when the output is
/// redirected (CI logs stay short).
/// </summary>
internal sealed class ConsoleProgress
{
    private readonly string _label;
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private int _lastQuarter = -1;
    private long _lastRenderTicks;
    private bool _completed;

    public ConsoleProgress(string label) => _label = label;

    public void Report(long done, long? total)
    {
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            var percent = total is > 0 ? 100.0 * done / total.Value : (double?)null;
            if (Console.IsOutputRedirected)
            {
                var quarter = percent is { } p ? (int)(p / 25) : -1;
                if (quarter <= _lastQuarter || quarter >= 4)
                {
                    return;
                }

                _lastQuarter = quarter;
                Console.WriteLine(Format(done, total, percent));
                return;
            }

            // Redraw at most ten times a second.
            if (_stopwatch.ElapsedTicks - _lastRenderTicks < Stopwatch.Frequency / 10)
            {
                return;
            }

            _lastRenderTicks = _stopwatch.ElapsedTicks;
            Console.Write("\r" + Format(done, total, percent).PadRight(78));
        }
    }

    public void Complete(long done, string? note = null)
    {
        lock (_lock)
        {
            _completed = true;
            var line = Format(done, done, 100) + $" in {_stopwatch.Elapsed.TotalSeconds:0.0} s" + (note is null ? string.Empty : "; " + note);
            Console.WriteLine(Console.IsOutputRedirected ? line : "\r" + line.PadRight(78));
        }
    }

    private string Format(long done, long? total, double? percent) =>
        percent is { } p
            ? $"  {_label}: {done:N0}/{total:N0} ({p:0}%)"
            : $"  {_label}: {done:N0}";
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Tests.Support;

/// <summary>Records the LedgerSync log events of a node, so tests can assert the events an operator would see.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> Records => [.. _records];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The records of one event id.</summary>
    public IReadOnlyList<LogRecord> Events(int eventId) => [.. _records.Where(r => r.EventId == eventId)];

    /// <summary>Waits (bounded) until an event with <paramref name="eventId"/> has been logged, and returns it.</summary>
    public async Task<LogRecord> WaitForAsync(int eventId, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_records.FirstOrDefault(r => r.EventId == eventId) is { } found)
            {
                return found;
            }

            await Task.Delay(20, cancel.Token);
        }
    }

    public void Dispose()
    {
    }

    internal sealed record LogRecord(LogLevel Level, int EventId, string Category, string Message, Exception? Exception);

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith("LedgerSync", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._records.Enqueue(new LogRecord(logLevel, eventId.Id, category, formatter(state, exception), exception));
            }
        }
    }
}

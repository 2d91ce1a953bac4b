using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Testing.Logging;

/// <summary>
/// A logger provider that keeps every line (level, event ID, message, state and scopes) for assertions — the
/// machine's package source has no Microsoft.Extensions.Diagnostics.Testing. Use it through a logger factory
/// (<see cref="CreateFactory"/>, or <c>builder.AddProvider(provider)</c>) so scopes from <c>BeginScope</c> are captured.
/// </summary>
public sealed class CollectingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CollectedLogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>Every line so far, in order.</summary>
    public IReadOnlyList<CollectedLogEntry> Entries => [.. _entries];

    /// <summary>Creates a factory logging everything (trace and above) to a new provider.</summary>
    public static ILoggerFactory CreateFactory(out CollectingLoggerProvider provider)
    {
        var created = new CollectingLoggerProvider();
        provider = created;
        return LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(created));
    }

    /// <summary>The lines with event ID <paramref name="eventId"/>.</summary>
    public IReadOnlyList<CollectedLogEntry> WithEventId(int eventId) => [.. _entries.Where(e => e.EventId.Id == eventId)];

    /// <summary>Forgets every line.</summary>
    public void Clear() => _entries.Clear();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CollectingLogger(this, categoryName);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class CollectingLogger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<object?>();
            owner._scopes.ForEachScope(static (scope, list) => list.Add(scope), scopes);
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToList() : [];
            owner._entries.Enqueue(new CollectedLogEntry(category, logLevel, eventId, formatter(state, exception), exception, values, scopes));
        }
    }
}

using Microsoft.Extensions.Logging;

namespace LedgerSync.Tests.Support;

/// <summary>Writes log lines to the NUnit test output, prefixed with the node's party, so a failing test shows both sides.</summary>
internal sealed class TestContextLoggerProvider(PartyName party) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(party, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(PartyName party, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug && category.StartsWith("LedgerSync", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                TestContext.Progress.WriteLine($"[{party.Organisation}] {logLevel} {eventId.Id} {category}: {formatter(state, exception)}");
            }
        }
    }
}

using LedgerSync.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Ledger;

/// <summary>
/// Loads the ledger graph from the registered <see cref="ITransactionSource"/> in the background when the host starts,
/// so start-up is not blocked; <see cref="ILedgerGraph.IsInitialized"/> turns true when it has finished. Progress goes
/// to the log (event IDs 5xxx) and to an <see cref="IProgress{T}"/> of <see cref="LedgerGraphLoadProgress"/> if one is
/// registered.
/// </summary>
internal sealed partial class LedgerGraphInitializer : BackgroundService
{
    private readonly LedgerGraph _graph;
    private readonly ITransactionSource _source;
    private readonly ITransactionDecoder? _decoder;
    private readonly IProgress<LedgerGraphLoadProgress>? _progress;
    private readonly ILogger _logger;

    public LedgerGraphInitializer(
        LedgerGraph graph,
        ITransactionSource source,
        ITransactionDecoder? decoder = null,
        IProgress<LedgerGraphLoadProgress>? progress = null,
        ILogger<LedgerGraphInitializer>? logger = null)
    {
        _graph = graph;
        _source = source;
        _decoder = decoder;
        _progress = progress;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave the host's start-up path at once: the load runs on the thread pool.
        await Task.Run(() => RunAsync(stoppingToken), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _graph.InitializeAsync(_source, _decoder, _progress, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
#pragma warning disable CA1031 // A failed load must not stop the host: the graph stays uninitialized, reconciliation is refused, and the failure is logged.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogInitializationFailed(exception);
        }
    }

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphInitializationFailed, Level = LogLevel.Critical,
        Message = "The ledger graph could not be initialized from the transaction source; reconciliation stays unavailable until the node restarts with a working source")]
    private partial void LogInitializationFailed(Exception exception);
}

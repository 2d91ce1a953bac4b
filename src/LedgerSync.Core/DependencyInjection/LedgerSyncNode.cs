using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LedgerSync;

/// <summary>
/// A LedgerSync node assembled by <see cref="LedgerSyncNodeBuilder"/>, without a host: the flows, the monitor and the
/// handler for inbound sessions, over the components of the builder's one composition (the same step
/// <c>AddLedgerSync</c> runs in a host), in a container the node owns. <see cref="StartAsync"/> starts what a host would start (the ledger
/// graph's loading, the scheduler, recovery, diagnostics, the transport's membership); <see cref="StopAsync"/> stops
/// them in reverse order; <see cref="DisposeAsync"/> stops the node if needed and releases everything it created.
/// </summary>
public sealed class LedgerSyncNode : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _parts;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private int _started;
    private bool _disposed;

    internal LedgerSyncNode(LedgerSyncNodeConfiguration configuration, IServiceCollection services)
    {
        Configuration = configuration;
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        try
        {
            _parts = [.. _services.GetServices<IHostedService>()];
            Flows = _services.GetRequiredService<ReconciliationFlows>();
            Monitor = _services.GetRequiredService<ReconciliationMonitor>();
            InboundSessionHandler = _services.GetRequiredService<IInboundSessionHandler>();
            HealthCheck = _services.GetRequiredService<LedgerSyncHealthCheck>();
        }
        catch
        {
            _services.Dispose();
            throw;
        }
    }

    /// <summary>The immutable configuration the node was built from.</summary>
    public LedgerSyncNodeConfiguration Configuration { get; }

    /// <summary>The node's flows: schedule, query, refresh and stop reconciliations (and recovery, when configured).</summary>
    public ReconciliationFlows Flows { get; }

    /// <summary>The query API over statuses, in-flight runs and the ledger graph.</summary>
    public ReconciliationMonitor Monitor { get; }

    /// <summary>The health check of the node (register it with your own health-check system if you have one).</summary>
    public LedgerSyncHealthCheck HealthCheck { get; }

    /// <summary>
    /// Where a transport hands the sessions other nodes open to this one (the reconciliation and recovery responders).
    /// The in-memory transport is joined to it on <see cref="StartAsync"/>; a transport of your own calls it.
    /// </summary>
    public IInboundSessionHandler InboundSessionHandler { get; }

    /// <summary>The node's components, for tests and the library's own packages.</summary>
    internal IServiceProvider Services => _services;

    /// <summary>Starts the node's background parts in order; a second call does nothing.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started > 0)
            {
                return;
            }

            foreach (var part in _parts)
            {
                await part.StartAsync(cancellationToken).ConfigureAwait(false);
                _started++;
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the parts started, in reverse order; a node not started (or already stopped) does nothing.</summary>
    /// <param name="cancellationToken">Ends the graceful stop early.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopStartedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the node if it runs, then disposes every component it created.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await StopStartedAsync(CancellationToken.None).ConfigureAwait(false);
            await _services.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StopStartedAsync(CancellationToken cancellationToken)
    {
        List<Exception>? failures = null;
        while (_started > 0)
        {
            var part = _parts[--_started];
            try
            {
                await part.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                (failures ??= []).Add(exception);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("Some parts of the LedgerSync node failed to stop.", failures);
        }
    }
}

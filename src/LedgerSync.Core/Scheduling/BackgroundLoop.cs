namespace LedgerSync.Scheduling;

/// <summary>
/// The life of one background loop, shared by the dispatcher and the lease keeper: start it once, stop it and wait for
/// it to end, or only signal it to stop (for a synchronous dispose).
/// </summary>
internal sealed class BackgroundLoop(Func<CancellationToken, Task> body) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    public bool IsRunning => Volatile.Read(ref _loop) is not null;

    /// <summary>Starts the loop unless it runs already.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_loop is not null)
            {
                return;
            }

            _stopping = new CancellationTokenSource();
            var token = _stopping.Token;
            _loop = Task.Run(() => body(token), CancellationToken.None);
        }
    }

    /// <summary>Cancels the loop's token and waits for the loop to end.</summary>
    public async Task StopAsync()
    {
        Task? loop;
        CancellationTokenSource? stopping;
        lock (_lock)
        {
            (loop, stopping) = (_loop, _stopping);
            (_loop, _stopping) = (null, null);
        }

        if (loop is null)
        {
            return;
        }

        await stopping!.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        stopping.Dispose();
    }

    /// <summary>Stops the loop and waits for it (<see cref="StopAsync"/>).</summary>
    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Cancels the loop's token without waiting: the loop ends on its own.</summary>
    public void SignalStop()
    {
        lock (_lock)
        {
            try
            {
                _stopping?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already stopped.
            }
        }
    }
}

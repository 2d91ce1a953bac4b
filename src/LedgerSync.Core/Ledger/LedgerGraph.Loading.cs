using System.Threading.Channels;

namespace LedgerSync.Ledger;

/// <summary>The initial load from an <see cref="ITransactionSource"/>.</summary>
public sealed partial class LedgerGraph
{
    private const int InitStateNone = 0;
    private const int InitStateRunning = 1;
    private const int InitStateDone = 2;

    /// <summary>Loads every transaction from <paramref name="source"/>, which returns metadata (no decoder, no progress callback).</summary>
    /// <param name="source">The host's transactions.</param>
    /// <param name="cancellationToken">Cancels the load (the graph stays uninitialized and the load may be started again).</param>
    /// <exception cref="InvalidOperationException">A load is running or has completed.</exception>
    public Task InitializeAsync(ITransactionSource source, CancellationToken cancellationToken) =>
        InitializeAsync(source, decoder: null, progress: null, cancellationToken);

    /// <summary>
    /// Loads every transaction from <paramref name="source"/>: pages of <c>transactionReaderPageSize</c> are read one
    /// after the other (keyset continuation) while up to <c>transactionReaderPoolSize</c> workers decode and record
    /// them. Transactions recorded with <see cref="Record"/> meanwhile are kept, and those the source also returns are
    /// not counted twice. Unreadable rows and decoder failures become <see cref="LedgerGraphErrorKind.InvalidData"/>
    /// errors naming the transaction; the load goes on. <see cref="IsInitialized"/> turns true when it completes.
    /// </summary>
    /// <param name="source">The host's transactions.</param>
    /// <param name="decoder">Decodes records the source returns as raw bytes; <see langword="null"/> if it returns metadata.</param>
    /// <param name="progress">Receives progress every <see cref="LoadProgressInterval"/> and at the end.</param>
    /// <param name="cancellationToken">Cancels the load (the graph stays uninitialized and the load may be started again).</param>
    /// <exception cref="InvalidOperationException">A load is running or has completed.</exception>
    public async Task InitializeAsync(
        ITransactionSource source,
        ITransactionDecoder? decoder = null,
        IProgress<LedgerGraphLoadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var state = Interlocked.CompareExchange(ref _initState, InitStateRunning, InitStateNone);
        if (state != InitStateNone)
        {
            throw new InvalidOperationException(state == InitStateDone
                ? "The ledger graph is already initialized."
                : "The ledger graph is already initializing.");
        }

        try
        {
            await LoadAsync(source, decoder, progress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Volatile.Write(ref _initState, InitStateNone);
            throw;
        }
    }

    private async Task LoadAsync(ITransactionSource source, ITransactionDecoder? decoder, IProgress<LedgerGraphLoadProgress>? progress, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        long? total;
        try
        {
            total = await source.GetTotalCountAsync(cancellationToken).ConfigureAwait(false);
            LogLoadStarted(total ?? -1, _options.TransactionReaderPageSize, _options.TransactionReaderPoolSize);

            var tracker = new LoadTracker(this, total, started, progress);
            var pages = Channel.CreateBounded<TransactionPage>(new BoundedChannelOptions(Math.Max(2, _options.TransactionReaderPoolSize))
            {
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });

            // Pipeline: one reader (pages in keyset order) -> up to poolSize decoders -> one inserter (this method),
            // so inserting never contends with itself for the graph's lock.
            var decoded = Channel.CreateBounded<DecodedPage>(new BoundedChannelOptions(Math.Max(2, _options.TransactionReaderPoolSize))
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            });

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reader = ReadPagesAsync(source, pages.Writer, stop.Token);
            var decoders = DecodePagesAsync(pages.Reader, decoded.Writer, decoder, stop.Token);
            try
            {
                await foreach (var page in decoded.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    Insert(page);
                    tracker.Add(page.RecordCount);
                }

                await decoders.ConfigureAwait(false);
                await reader.ConfigureAwait(false);
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await decoders.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }

            lock (_lock)
            {
                if (_cycleCheckNeeded)
                {
                    Analyze();
                }

                Volatile.Write(ref _initState, InitStateDone);
            }

            _initialized.TrySetResult();

            var consistent = IsSelfConsistent;
            var errors = Errors;
            var final = tracker.Complete();
            LogLoadCompleted(final.Loaded, Count, (long)final.Elapsed.TotalMilliseconds, final.RatePerSecond, consistent);
            if (!consistent)
            {
                LogNotSelfConsistent(errors.Count, string.Join("; ", errors.Take(5).Select(e => e.Message)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogLoadCanceled();
            throw;
        }
        catch (Exception exception)
        {
            LogLoadFailed(exception);
            throw;
        }
    }

    private async Task ReadPagesAsync(ITransactionSource source, ChannelWriter<TransactionPage> writer, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            object? continuation = null;
            do
            {
                var page = await source.ReadPageAsync(continuation, _options.TransactionReaderPageSize, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(page, cancellationToken).ConfigureAwait(false);
                continuation = page.Continuation;
            }
            while (continuation is not null);
        }
#pragma warning disable CA1031 // The failure is handed to the consumers through the channel, which rethrow it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failure = exception;
        }
        finally
        {
            writer.TryComplete(failure);
        }
    }

    private async Task DecodePagesAsync(ChannelReader<TransactionPage> pages, ChannelWriter<DecodedPage> decoded, ITransactionDecoder? decoder, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            var parallel = new ParallelOptions
            {
                MaxDegreeOfParallelism = _options.TransactionReaderPoolSize,
                CancellationToken = cancellationToken,
            };
            await Parallel.ForEachAsync(pages.ReadAllAsync(cancellationToken), parallel, async (page, token) =>
                await decoded.WriteAsync(Decode(page, decoder, token), token).ConfigureAwait(false)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The failure is handed to the inserter through the channel, which rethrows it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failure = exception;
        }
        finally
        {
            decoded.TryComplete(failure);
        }
    }

    private static DecodedPage Decode(TransactionPage page, ITransactionDecoder? decoder, CancellationToken cancellationToken)
    {
        var records = page.Records;
        var batch = new TransactionMetadata[records.Count];
        var problems = default(List<(TransactionId Id, string Key, string Problem)>);
        var count = 0;
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Read(record, decoder, out var problem) is { } metadata)
            {
                batch[count++] = metadata;
            }
            else
            {
                (problems ??= []).Add((record?.Id ?? TransactionId.Empty, record?.Key ?? "(null record)", problem!));
            }
        }

        return new DecodedPage(batch, count, problems, records.Count);
    }

    private void Insert(DecodedPage page)
    {
        lock (_lock)
        {
            for (var i = 0; i < page.Count; i++)
            {
                RecordCore(page.Transactions[i]);
            }

            if (page.Problems is not null)
            {
                foreach (var (id, key, problem) in page.Problems)
                {
                    ReportInvalidData(id, key, problem);
                }
            }
        }
    }

    private static TransactionMetadata? Read(TransactionRecord record, ITransactionDecoder? decoder, out string? problem)
    {
        if (record is null)
        {
            problem = "the source returned a null record.";
            return null;
        }

        if (record.Problem is not null)
        {
            problem = record.Problem;
            return null;
        }

        var metadata = record.Metadata;
        if (metadata is null)
        {
            if (decoder is null)
            {
                problem = "the source returned raw bytes but no transaction decoder is configured.";
                return null;
            }

            try
            {
                metadata = decoder.Decode(record.Bytes);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
#pragma warning disable CA1031 // A decoder failure is a data error of one transaction: recorded and reported, and the load goes on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                problem = $"the decoder failed ({exception.GetType().Name}: {exception.Message})";
                return null;
            }

            if (metadata is null)
            {
                problem = "the decoder returned no metadata.";
                return null;
            }

            if (record.Id is { } expected && expected != metadata.Id)
            {
                problem = $"the decoded transaction has ID {metadata.Id}, not {expected}.";
                return null;
            }
        }

        problem = Validate(metadata);
        return problem is null ? metadata : null;
    }

    private readonly record struct DecodedPage(TransactionMetadata[] Transactions, int Count, List<(TransactionId Id, string Key, string Problem)>? Problems, int RecordCount);

    /// <summary>Counts loaded records and reports progress (and a log line) at most once per interval.</summary>
    private sealed class LoadTracker(LedgerGraph graph, long? total, long started, IProgress<LedgerGraphLoadProgress>? progress)
    {
        private readonly long _started = started;
        private long _loaded;
        private long _lastReport = started;

        public void Add(int records)
        {
            var loaded = Interlocked.Add(ref _loaded, records);
            var now = graph._timeProvider.GetTimestamp();
            var last = Interlocked.Read(ref _lastReport);
            var interval = (long)(graph.LoadProgressInterval.TotalSeconds * graph._timeProvider.TimestampFrequency);
            if (now - last < interval || Interlocked.CompareExchange(ref _lastReport, now, last) != last)
            {
                return;
            }

            var current = Snapshot(loaded, now, isComplete: false);
            progress?.Report(current);
            if (current.Percent is { } percent)
            {
                graph.LogLoadProgressWithPercent(current.Loaded, current.Total!.Value, percent, current.RatePerSecond);
            }
            else
            {
                graph.LogLoadProgress(current.Loaded, current.RatePerSecond);
            }
        }

        public LedgerGraphLoadProgress Complete()
        {
            var final = Snapshot(Interlocked.Read(ref _loaded), graph._timeProvider.GetTimestamp(), isComplete: true);
            progress?.Report(final);
            return final;
        }

        private LedgerGraphLoadProgress Snapshot(long loaded, long now, bool isComplete) =>
            new(loaded, total, graph._timeProvider.GetElapsedTime(_started, now), isComplete);
    }
}

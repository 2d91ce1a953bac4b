using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Ledger;

/// <summary>
/// The in-memory index of transaction metadata (ID, dependencies, participants — never payloads), built from an
/// <see cref="ITransactionSource"/> and kept current with <see cref="Record"/>. Compact: transactions are stored by
/// value in chunked arrays (no object per transaction), dependencies as node indices in a shared pool, participants as
/// one interned participant-set number. Thread-safe: <see cref="Record"/> may run concurrently with reads and with
/// <see cref="InitializeAsync(ITransactionSource, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// A dependency that is not (yet) held is kept as a placeholder node, so dependencies may arrive in any order; the
/// graph is judged (missing dependencies, cycles) on what it holds when asked. Self-consistency is reported as
/// <see langword="false"/> until the initial load has finished.
/// </remarks>
public sealed partial class LedgerGraph : ILedgerGraph
{
    /// <summary>The most errors of each kind that <see cref="Errors"/> lists (the counts in the log are complete).</summary>
    public const int MaxReportedErrorsPerKind = 1000;

    /// <summary>The most dependencies one transaction may have.</summary>
    public const int MaxDependenciesPerTransaction = DependencyChunkSize;

    private const int EntryChunkShift = 16;
    private const int DependencyChunkShift = 20;
    private const int DependencyChunkSize = 1 << DependencyChunkShift;

    private readonly Lock _lock = new();
    private readonly LedgerSyncOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ChunkedArray<TransactionEntry> _entries = new(EntryChunkShift);
    private readonly ChunkedArray<int> _dependencies = new(DependencyChunkShift);
    private readonly TransactionIndex _index;
    private readonly ParticipantSetTable _participants = new();
    private readonly List<LedgerGraphError> _invalidDataErrors = [];
    private readonly List<LedgerGraphError> _duplicateErrors = [];
    private readonly HashSet<TransactionId> _conflictingIds = [];
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<PartyName, RelevantSet> _relevantSets = [];
    private RelevantSet[] _relevantSetList = [];
    private ulong[] _present = new ulong[1024]; // one bit per node: held (1) or placeholder (0); dense, for traversals
    private int _dependencyPoolUsed;
    private int _nodeCount;
    private int _presentCount;
    private long _invalidDataCount;
    private long _duplicateCount;
    private long _version;
    private int _initState;
    private IReadOnlyList<LedgerGraphError>? _errors;
    private long _errorsVersion = -1;

    /// <summary>Creates an empty graph.</summary>
    /// <param name="options">The settings: <see cref="LedgerSyncOptions.LocalParty"/> (for relevant sets), the reader page and pool sizes.</param>
    /// <param name="timeProvider">The clock for load progress; the system clock if <see langword="null"/>.</param>
    /// <param name="logger">The logger; none if <see langword="null"/>.</param>
    public LedgerGraph(LedgerSyncOptions options, TimeProvider? timeProvider = null, ILogger<LedgerGraph>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _index = new TransactionIndex(_entries);
    }

    /// <inheritdoc />
    public bool IsInitialized => Volatile.Read(ref _initState) == InitStateDone;

    /// <inheritdoc />
    public Task WhenInitializedAsync(CancellationToken cancellationToken = default) =>
        _initialized.Task.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _presentCount;
            }
        }
    }

    /// <summary>The number of dependencies named by held transactions that the graph does not hold.</summary>
    public long MissingCount
    {
        get
        {
            lock (_lock)
            {
                return _nodeCount - _presentCount;
            }
        }
    }

    /// <summary>The number of distinct parties named as participants.</summary>
    public int PartyCount
    {
        get
        {
            lock (_lock)
            {
                return _participants.PartyCount;
            }
        }
    }

    /// <summary>How often the initial load reports progress and logs a progress line. Default 10 seconds.</summary>
    public TimeSpan LoadProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public bool Contains(TransactionId id)
    {
        lock (_lock)
        {
            var index = _index.Find(id);
            return index >= 0 && _entries[index].IsPresent;
        }
    }

    /// <summary>Returns the metadata held for <paramref name="id"/>, if the graph holds it.</summary>
    /// <param name="id">The transaction ID.</param>
    /// <param name="transaction">The metadata (dependencies in stored order, participants in canonical order).</param>
    public bool TryGetTransaction(TransactionId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TransactionMetadata? transaction)
    {
        lock (_lock)
        {
            var index = _index.Find(id);
            if (index < 0 || !_entries[index].IsPresent)
            {
                transaction = null;
                return false;
            }

            ref var entry = ref _entries[index];
            var dependencies = ImmutableArray.CreateBuilder<TransactionId>(entry.DependencyCount);
            foreach (var dependency in GetDependencies(entry))
            {
                dependencies.Add(_entries[dependency].Id);
            }

            var parties = _participants.GetSet(entry.ParticipantSet);
            var participants = ImmutableArray.CreateBuilder<PartyName>(parties.Length);
            foreach (var party in parties)
            {
                participants.Add(_participants.GetParty(party));
            }

            transaction = new TransactionMetadata(id, dependencies.MoveToImmutable(), participants.MoveToImmutable());
            return true;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The metadata is not valid (a null participant, too many dependencies).</exception>
    public void Record(TransactionMetadata transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (Validate(transaction) is { } problem)
        {
            throw new ArgumentException($"Transaction {transaction.Id} cannot be recorded: {problem}", nameof(transaction));
        }

        lock (_lock)
        {
            RecordCore(transaction);
        }
    }

    /// <inheritdoc />
    public IRelevantSet GetRelevantSet(PartyName counterparty)
    {
        ArgumentNullException.ThrowIfNull(counterparty);
        var local = _options.LocalParty
            ?? throw new LedgerSyncConfigurationException(
                "LocalParty is not set: relevant sets need this node's own X.500 legal name (for example 'O=PartyA, L=London, C=GB').",
                nameof(LedgerSyncOptions.LocalParty));
        lock (_lock)
        {
            if (!_relevantSets.TryGetValue(counterparty, out var set))
            {
                set = new RelevantSet(this, local, counterparty);
                set.Build();
                _relevantSets.Add(counterparty, set);
                _relevantSetList = [.. _relevantSetList, set];
            }

            return set;
        }
    }

    internal Lock SyncRoot => _lock;

    internal int NodeCount => _nodeCount;

    internal ParticipantSetTable Participants => _participants;

    internal ref TransactionEntry Entry(int index) => ref _entries[index];

    internal bool IsPresent(int index) => (_present[index >> 6] & (1UL << index)) != 0;

    internal int FindNode(in TransactionId id) => _index.Find(id);

    internal ReadOnlySpan<int> GetDependencies(in TransactionEntry entry) =>
        entry.DependencyCount == 0 ? default : _dependencies.Slice(entry.DependencyOffset, entry.DependencyCount);

    /// <summary>The bytes held by the graph's own arrays (nodes, dependency pool, index), for diagnostics.</summary>
    internal long AllocatedBytes
    {
        get
        {
            lock (_lock)
            {
                return _entries.AllocatedBytes + _dependencies.AllocatedBytes + _index.AllocatedBytes;
            }
        }
    }

    internal void ReportObserverFailure(PartyName counterparty, Exception exception) => LogObserverFailed(counterparty, exception);

    private static string? Validate(TransactionMetadata transaction)
    {
        if (!transaction.Participants.IsDefault)
        {
            foreach (var participant in transaction.Participants)
            {
                if (participant is null)
                {
                    return "a participant is null.";
                }
            }
        }

        if (!transaction.Dependencies.IsDefault && transaction.Dependencies.Length > MaxDependenciesPerTransaction)
        {
            return $"it has {transaction.Dependencies.Length} dependencies; at most {MaxDependenciesPerTransaction} are supported.";
        }

        return null;
    }

    // Caller holds _lock. Returns whether the transaction was new.
    private bool RecordCore(TransactionMetadata transaction)
    {
        var id = transaction.Id;
        var index = _index.Find(id);
        var wasPlaceholder = false;
        if (index >= 0)
        {
            if (_entries[index].IsPresent)
            {
                if (!HasSameMetadata(index, transaction))
                {
                    ReportDuplicate(transaction);
                }

                return false;
            }

            wasPlaceholder = true;
        }
        else
        {
            index = AddNode(id);
        }

        var participantSet = _participants.Intern(transaction.Participants);
        var dependencies = transaction.Dependencies.IsDefault ? [] : transaction.Dependencies;
        var offset = AllocateDependencies(dependencies.Length);
        var count = 0;
        var selfDependency = false;
        if (dependencies.Length > 0)
        {
            var slots = _dependencies.Slice(offset, dependencies.Length);
            foreach (var dependency in dependencies)
            {
                var target = _index.Find(dependency);
                if (target < 0)
                {
                    target = AddNode(dependency);
                }

                selfDependency |= target == index;
                slots[count++] = target;
            }

            count = RemoveDuplicates(slots);
        }

        ref var entry = ref _entries[index];
        entry.DependencyOffset = offset;
        entry.DependencyCount = count;
        entry.ParticipantSet = participantSet;
        entry.IsPresent = true;
        _present[index >> 6] |= 1UL << index;
        _presentCount++;
        _version++;

        // Only a node that others already point to (a filled placeholder) or a self-dependency can close a cycle:
        // a brand-new node's edges all point to older nodes.
        if (wasPlaceholder || selfDependency)
        {
            _cycleCheckNeeded = true;
        }

        foreach (var set in _relevantSetList)
        {
            set.OnRecorded(index);
        }

        return true;
    }

    private static int RemoveDuplicates(Span<int> slots)
    {
        if (slots.Length <= 16)
        {
            var count = 0;
            foreach (var value in slots)
            {
                if (!slots[..count].Contains(value))
                {
                    slots[count++] = value;
                }
            }

            return count;
        }

        slots.Sort();
        var distinct = 1;
        for (var i = 1; i < slots.Length; i++)
        {
            if (slots[i] != slots[distinct - 1])
            {
                slots[distinct++] = slots[i];
            }
        }

        return distinct;
    }

    private int AddNode(in TransactionId id)
    {
        if (_nodeCount == int.MaxValue)
        {
            throw new InvalidOperationException("The ledger graph holds the most nodes it can (2147483647).");
        }

        var index = _nodeCount;
        _entries.EnsureCapacity(index + 1L);
        if ((index >> 6) >= _present.Length)
        {
            Array.Resize(ref _present, _present.Length * 2);
        }

        _entries[index] = new TransactionEntry { Id = id, ParticipantSet = -1 };
        _index.Add(id, index);
        _nodeCount++;
        return index;
    }

    private int AllocateDependencies(int count)
    {
        if (count == 0)
        {
            return 0;
        }

        // A transaction's dependencies are contiguous: start a new chunk when they do not fit in the current one.
        var used = _dependencyPoolUsed;
        if ((used & (DependencyChunkSize - 1)) + count > DependencyChunkSize)
        {
            used = (used | (DependencyChunkSize - 1)) + 1;
        }

        if ((long)used + count > int.MaxValue - DependencyChunkSize)
        {
            throw new InvalidOperationException("The ledger graph's dependency pool is full (about 2 billion dependencies).");
        }

        _dependencyPoolUsed = used + count;
        _dependencies.EnsureCapacity(_dependencyPoolUsed);
        return used;
    }

    private bool HasSameMetadata(int index, TransactionMetadata transaction)
    {
        ref var entry = ref _entries[index];
        if (_participants.Intern(transaction.Participants) != entry.ParticipantSet)
        {
            return false;
        }

        var expected = transaction.Dependencies.IsDefault ? [] : transaction.Dependencies;
        var distinct = new HashSet<TransactionId>(expected);
        if (distinct.Count != entry.DependencyCount)
        {
            return false;
        }

        foreach (var dependency in GetDependencies(entry))
        {
            if (!distinct.Contains(_entries[dependency].Id))
            {
                return false;
            }
        }

        return true;
    }

    private void ReportDuplicate(TransactionMetadata transaction)
    {
        if (!_conflictingIds.Add(transaction.Id))
        {
            return;
        }

        _duplicateCount++;
        _version++;
        var message = $"Transaction {transaction.Id} was recorded twice with different metadata (dependencies or participants differ).";
        if (_duplicateErrors.Count < MaxReportedErrorsPerKind)
        {
            _duplicateErrors.Add(new LedgerGraphError(transaction.Id, LedgerGraphErrorKind.DuplicateWithDifferentMetadata, message));
        }

        LogDuplicate(transaction.Id);
    }

    // Caller holds _lock.
    private void ReportInvalidData(TransactionId id, string key, string problem)
    {
        _invalidDataCount++;
        _version++;
        if (_invalidDataErrors.Count < MaxReportedErrorsPerKind)
        {
            _invalidDataErrors.Add(new LedgerGraphError(id, LedgerGraphErrorKind.InvalidData, $"Transaction {key} could not be read: {problem}"));
        }

        LogInvalidData(key, problem);
    }
}

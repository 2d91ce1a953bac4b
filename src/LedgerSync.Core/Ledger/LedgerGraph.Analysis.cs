namespace LedgerSync.Ledger;

/// <summary>Consistency and shape of the graph: cycles, missing dependencies, components, longest chain.</summary>
public sealed partial class LedgerGraph
{
    private readonly List<LedgerGraphError> _cycleErrors = [];
    private bool _cycleCheckNeeded;
    private bool _hasCycle;
    private long _cycleMemberCount;
    private long _analysisVersion = -1;
    private long _componentCount;
    private long _componentsVersion = -1;
    private long _longestChain;

    /// <inheritdoc />
    /// <remarks>
    /// <see langword="false"/> until the initial load has finished. A cycle check over the whole graph (O(n), iterative)
    /// runs only when a recorded transaction could have closed a cycle since the last check.
    /// </remarks>
    public bool IsSelfConsistent
    {
        get
        {
            if (!IsInitialized)
            {
                return false;
            }

            lock (_lock)
            {
                if (_invalidDataCount > 0 || _duplicateCount > 0 || _nodeCount != _presentCount)
                {
                    return false;
                }

                if (_cycleCheckNeeded && !_hasCycle)
                {
                    Analyze();
                }

                return !_hasCycle;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Invalid data, duplicates with different metadata, missing dependencies (one error per dependant and missing
    /// ID) and cycle members, at most <see cref="MaxReportedErrorsPerKind"/> of each kind. Final once
    /// <see cref="IsInitialized"/>; while loading, dependencies not read yet show as missing.
    /// </remarks>
    public IReadOnlyList<LedgerGraphError> Errors
    {
        get
        {
            lock (_lock)
            {
                if (_cycleCheckNeeded)
                {
                    Analyze();
                }

                if (_errors is null || _errorsVersion != _version)
                {
                    var errors = new List<LedgerGraphError>(_invalidDataErrors.Count + _duplicateErrors.Count + _cycleErrors.Count);
                    errors.AddRange(_invalidDataErrors);
                    errors.AddRange(_duplicateErrors);
                    AddMissingDependencyErrors(errors);
                    errors.AddRange(_cycleErrors);
                    _errors = errors.AsReadOnly();
                    _errorsVersion = _version;
                }

                return _errors;
            }
        }
    }

    /// <summary>
    /// The number of weakly connected components among held transactions (transactions linked by dependencies, in
    /// either direction, are in one component). Computed on demand in O(n) and cached until the graph changes.
    /// </summary>
    public long ConnectedComponentCount
    {
        get
        {
            lock (_lock)
            {
                if (_componentsVersion != _version)
                {
                    _componentCount = CountComponents();
                    _componentsVersion = _version;
                }

                return _componentCount;
            }
        }
    }

    /// <summary>
    /// The number of transactions in the longest dependency chain among held transactions (cycle members do not
    /// count). Computed on demand in O(n) and cached until the graph changes.
    /// </summary>
    public long LongestChain
    {
        get
        {
            lock (_lock)
            {
                EnsureAnalysis();
                return _longestChain;
            }
        }
    }

    private void EnsureAnalysis()
    {
        if (_analysisVersion != _version || _cycleCheckNeeded)
        {
            Analyze();
        }
    }

    private void AddMissingDependencyErrors(List<LedgerGraphError> errors)
    {
        if (_nodeCount == _presentCount)
        {
            return;
        }

        var reported = 0;
        for (var i = 0; i < _nodeCount && reported < MaxReportedErrorsPerKind; i++)
        {
            ref var entry = ref _entries[i];
            if (!entry.IsPresent)
            {
                continue;
            }

            foreach (var dependency in GetDependencies(entry))
            {
                ref var target = ref _entries[dependency];
                if (!target.IsPresent && reported++ < MaxReportedErrorsPerKind)
                {
                    errors.Add(new LedgerGraphError(
                        entry.Id,
                        LedgerGraphErrorKind.MissingDependency,
                        $"Transaction {entry.Id} depends on transaction {target.Id}, which the ledger does not hold."));
                }
            }
        }
    }

    // Caller holds _lock. One iterative Tarjan pass (strongly connected components: cycles, and the longest chain in
    // the order components complete). O(nodes + edges) time; the working arrays are released afterwards.
    private void Analyze()
    {
        var n = _nodeCount;
        var order = new int[n];     // DFS number + 1 while open; after completion, the node's chain length
        var low = new int[n];       // low-link while open; int.MaxValue once the node's component is complete
        var stack = new int[n];     // Tarjan's stack of open nodes
        var callNode = new int[n];  // the explicit DFS call stack: node ...
        var callEdge = new int[n];  // ... and the next dependency to visit
        var stackTop = 0;
        var counter = 0;
        long longest = 0;
        long cycleMembers = 0;
        _cycleErrors.Clear();

        for (var root = 0; root < n; root++)
        {
            if (order[root] != 0 || low[root] == int.MaxValue || !IsPresent(root))
            {
                continue;
            }

            var depth = 0;
            Open(root);
            while (depth > 0)
            {
                var v = callNode[depth - 1];
                var dependencies = GetDependencies(_entries[v]);
                var e = callEdge[depth - 1];
                if (e < dependencies.Length)
                {
                    callEdge[depth - 1] = e + 1;
                    var w = dependencies[e];
                    if (!IsPresent(w))
                    {
                        continue;
                    }

                    // low == int.MaxValue: w's component is complete, nothing to do.
                    if (low[w] != int.MaxValue)
                    {
                        if (order[w] == 0)
                        {
                            Open(w);
                        }
                        else
                        {
                            low[v] = Math.Min(low[v], order[w]);
                        }
                    }

                    continue;
                }

                // All dependencies of v visited.
                depth--;
                if (depth > 0)
                {
                    var parent = callNode[depth - 1];
                    low[parent] = Math.Min(low[parent], low[v]);
                }

                if (low[v] == order[v])
                {
                    CompleteComponent(v);
                }
            }

            void Open(int node)
            {
                order[node] = ++counter;
                low[node] = counter;
                stack[stackTop++] = node;
                callNode[depth] = node;
                callEdge[depth] = 0;
                depth++;
            }
        }

        void CompleteComponent(int rootNode)
        {
            var start = stackTop - 1;
            while (stack[start] != rootNode)
            {
                start--;
            }

            var size = stackTop - start;
            var selfLoop = size == 1 && GetDependencies(_entries[rootNode]).Contains(rootNode);
            if (size > 1 || selfLoop)
            {
                for (var i = start; i < stackTop; i++)
                {
                    var member = stack[i];
                    low[member] = int.MaxValue;
                    order[member] = 0; // chain length of a cycle member: it does not count
                    cycleMembers++;
                    if (_cycleErrors.Count < MaxReportedErrorsPerKind)
                    {
                        var other = stack[i == stackTop - 1 ? start : i + 1];
                        var id = _entries[member].Id;
                        var message = selfLoop
                            ? $"Transaction {id} depends on itself (a dependency cycle)."
                            : $"Transaction {id} is part of a dependency cycle of {size} transactions (with {_entries[other].Id}).";
                        _cycleErrors.Add(new LedgerGraphError(id, LedgerGraphErrorKind.DependencyCycle, message));
                    }
                }
            }
            else
            {
                var chain = 0;
                foreach (var w in GetDependencies(_entries[rootNode]))
                {
                    if (IsPresent(w))
                    {
                        chain = Math.Max(chain, order[w]);
                    }
                }

                low[rootNode] = int.MaxValue;
                order[rootNode] = chain + 1;
                longest = Math.Max(longest, chain + 1);
            }

            stackTop = start;
        }

        _hasCycle = cycleMembers > 0;
        _cycleMemberCount = cycleMembers;
        _cycleCheckNeeded = false;
        _longestChain = longest;
        _analysisVersion = _version;
        _errors = null;
    }

    // Caller holds _lock. Weakly connected components among held transactions, by union-find with path halving.
    private long CountComponents()
    {
        var n = _nodeCount;
        var parentOf = new int[n];
        for (var i = 0; i < n; i++)
        {
            parentOf[i] = i;
        }

        long components = 0;
        for (var v = 0; v < n; v++)
        {
            if (!IsPresent(v))
            {
                continue;
            }

            components++;
            foreach (var w in GetDependencies(_entries[v]))
            {
                if (!IsPresent(w))
                {
                    continue;
                }

                var a = Find(parentOf, v);
                var b = Find(parentOf, w);
                if (a != b)
                {
                    parentOf[Math.Max(a, b)] = Math.Min(a, b);
                    components--;
                }
            }
        }

        return components;

        static int Find(int[] parent, int x)
        {
            while (parent[x] != x)
            {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }

            return x;
        }
    }
}

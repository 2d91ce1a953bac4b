using System.Text.Json.Serialization;

namespace LedgerSync.Recovery.Manual;

/// <summary>The file's <c>manifest.json</c>: who exported it for whom, and its batches.</summary>
internal sealed record ManualRecoveryManifest
{
    public required string Format { get; init; }

    public required int Version { get; init; }

    public required string Exporter { get; init; }

    public required string Recipient { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required int TransactionCount { get; init; }

    public required long TotalBytes { get; init; }

    public required int BatchSize { get; init; }

    public required IReadOnlyList<ManualRecoveryBatch> Batches { get; init; }
}

/// <summary>One batch: <c>batch-NNNNNN.json</c> lists its transactions, <c>batch-NNNNNN.bin</c> holds their payloads back to back.</summary>
internal sealed record ManualRecoveryBatch
{
    public required int Number { get; init; }

    public required int Count { get; init; }

    public required long Bytes { get; init; }

    /// <summary>The SHA-256 of the batch's JSON listing, upper-case hex.</summary>
    public required string ListingSha256 { get; init; }
}

/// <summary>One transaction of a batch listing, in payload order.</summary>
internal sealed record ManualRecoveryEntry
{
    public required string Id { get; init; }

    public required long Size { get; init; }

    /// <summary>The SHA-256 of the payload, upper-case hex.</summary>
    public required string Sha256 { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ManualRecoveryManifest))]
[JsonSerializable(typeof(List<ManualRecoveryEntry>))]
internal sealed partial class ManualRecoveryJsonContext : JsonSerializerContext;

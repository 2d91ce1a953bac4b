using System.Text.Json.Serialization;

namespace LedgerSync.Dapper.Recovery;

/// <summary>Source-generated JSON for the sink's <c>@dependencies</c> and <c>@participants</c> parameters.</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class SqlRecoveryJsonContext : JsonSerializerContext;

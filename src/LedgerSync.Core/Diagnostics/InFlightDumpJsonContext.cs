using System.Text.Json.Serialization;

namespace LedgerSync.Diagnostics;

/// <summary>Source-generated JSON metadata for the in-flight dump (camelCase, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(InFlightRunDocument))]
internal sealed partial class InFlightDumpJsonContext : JsonSerializerContext;

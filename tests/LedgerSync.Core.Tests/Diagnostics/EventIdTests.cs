using System.Reflection;
using LedgerSync.Dapper;
using LedgerSync.Dashboard;
using LedgerSync.Diagnostics;
using LedgerSync.Transport.Http;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Tests.Diagnostics;

/// <summary>
/// The event IDs of all packages: one named constant per event, no ID used twice, each package inside its range.
/// Reads both the public constants and every <see cref="LoggerMessageAttribute"/> in the shipped assemblies.
/// </summary>
public sealed class EventIdTests
{
    private static readonly (Type Constants, int First, int Last)[] Packages =
    [
        (typeof(LedgerSyncEventId), 1000, 7999),
        (typeof(LedgerSyncHttpEventId), 3000, 3899),
        (typeof(LedgerSyncDapperEventId), 4000, 4999),
        (typeof(LedgerSyncDashboardEventId), 8000, 8999),
    ];

    [Test]
    public void Constants_AcrossPackages_AreUnique()
    {
        var duplicates = Constants()
            .GroupBy(c => c.Id)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c.Name))}");

        Assert.That(duplicates, Is.Empty);
    }

    [Test]
    public void LoggerMessages_AcrossPackages_HaveUniqueEventIds()
    {
        var duplicates = LoggerMessages()
            .GroupBy(m => m.Id)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}");

        Assert.That(duplicates, Is.Empty);
    }

    [Test]
    public void LoggerMessages_EachPackage_UseOnlyItsOwnConstants()
    {
        foreach (var (constants, _, _) in Packages)
        {
            var declared = Constants(constants).Select(c => c.Id).ToHashSet();
            var logged = LoggerMessages(constants.Assembly).ToList();

            Assert.That(logged, Is.Not.Empty, $"no [LoggerMessage] found in {constants.Assembly.GetName().Name}");
            Assert.That(logged.Where(m => !declared.Contains(m.Id)).Select(m => $"{m.Method} ({m.Id})"), Is.Empty,
                $"event IDs in {constants.Assembly.GetName().Name} without a constant in {constants.Name}");
            Assert.That(declared.Except(logged.Select(m => m.Id)), Is.Empty,
                $"constants in {constants.Name} that no [LoggerMessage] uses");
        }
    }

    [Test]
    public void Constants_EachPackage_StayInsideItsRange()
    {
        foreach (var (constants, first, last) in Packages)
        {
            Assert.That(Constants(constants).Where(c => c.Id < first || c.Id > last).Select(c => $"{c.Name} = {c.Id}"),
                Is.Empty, $"{constants.Name} takes IDs {first}–{last}");
        }

        // The core's range is wide; the HTTP transport's and SQL storage's ranges inside it belong to those packages.
        var foreign = Constants(typeof(LedgerSyncEventId)).Where(c => c.Id is >= 3000 and <= 3899 or >= 4000 and <= 4999);
        Assert.That(foreign.Select(c => $"{c.Name} = {c.Id}"), Is.Empty);
    }

    private static IEnumerable<(string Name, int Id)> Constants() => Packages.SelectMany(p => Constants(p.Constants));

    private static IEnumerable<(string Name, int Id)> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => ($"{type.Name}.{f.Name}", (int)f.GetRawConstantValue()!));

    private static IEnumerable<(string Method, int Id)> LoggerMessages() =>
        Packages.SelectMany(p => LoggerMessages(p.Constants.Assembly));

    private static IEnumerable<(string Method, int Id)> LoggerMessages(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select ($"{type.FullName}.{method.Name}", attribute.EventId);
}

namespace LedgerSync.Docs.Tests;

public sealed class MarkdownSnippetsTests
{
    private static readonly string[] QuickstartTag = ["quickstart"];
    private static readonly string[] TwoTags = ["quickstart", "other"];
    private static readonly string[] TwoPackages = ["LedgerSync.Core", "Microsoft.Data.Sqlite"];

    [Test]
    public void Parse_TaggedFences_ReturnsLanguageTagsAndBody()
    {
        const string markdown = "intro\n```csharp quickstart\nvar x = 1;\n```\ntext\n~~~sh quickstart other\ndotnet run\n~~~\n";

        var snippets = MarkdownSnippets.Parse(markdown);

        Assert.That(snippets, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(snippets[0].Language, Is.EqualTo("csharp"));
            Assert.That(snippets[0].Tags, Is.EqualTo(QuickstartTag));
            Assert.That(snippets[0].Code, Is.EqualTo("var x = 1;\n"));
            Assert.That(snippets[0].Line, Is.EqualTo(2));
            Assert.That(snippets[1].Language, Is.EqualTo("sh"));
            Assert.That(snippets[1].Tags, Is.EqualTo(TwoTags));
        });
    }

    [Test]
    public void Parse_LongerFenceHoldsShorterOne_KeepsInnerFenceAsCode()
    {
        const string markdown = "````md\n```csharp\ncode\n```\n````\n";

        var snippets = MarkdownSnippets.Parse(markdown);

        Assert.That(snippets, Has.Count.EqualTo(1));
        Assert.That(snippets[0].Code, Is.EqualTo("```csharp\ncode\n```\n"));
    }

    [Test]
    public void Parse_IndentedFence_RemovesTheFenceIndentation()
    {
        const string markdown = "* item\n  ```csharp x\n  var y = 2;\n    nested();\n  ```\n";

        var snippet = MarkdownSnippets.FindOne(markdown, "csharp", "x");

        Assert.That(snippet.Code, Is.EqualTo("var y = 2;\n  nested();\n"));
    }

    [Test]
    public void Parse_CrLfLineEndings_SameAsLf()
    {
        Assert.That(
            MarkdownSnippets.Parse("```csharp a\r\nline\r\n```\r\n")[0].Code,
            Is.EqualTo(MarkdownSnippets.Parse("```csharp a\nline\n```\n")[0].Code));
    }

    [Test]
    public void Single_TagMissing_ThrowsNamingTheFence()
    {
        Assert.That(
            () => MarkdownSnippets.FindOne("```csharp other\n```\n", "csharp", "quickstart"),
            Throws.InvalidOperationException.With.Message.Contains("```csharp quickstart"));
    }

    [Test]
    public void Single_TagTwice_ThrowsNamingBothLines()
    {
        Assert.That(
            () => MarkdownSnippets.FindOne("```csharp q\n```\n```csharp q\n```\n", "csharp", "q"),
            Throws.InvalidOperationException.With.Message.Contains("lines 1, 3"));
    }

    [Test]
    public void PackagesAdded_ShellBlock_ReturnsEachPackageInOrder()
    {
        var shell = MarkdownSnippets.FindOne(
            "```sh q\ndotnet new console -o App && cd App\ndotnet add package LedgerSync.Core\n  dotnet add App.csproj package Microsoft.Data.Sqlite --version 10.0.14\n# dotnet add package Commented.Out\n```\n",
            "sh",
            "q");

        Assert.That(MarkdownSnippets.PackagesAdded(shell), Is.EqualTo(TwoPackages));
    }

    [Test]
    public void CentralPackageVersions_RepositoryProps_ResolvesPropertyReferences()
    {
        var versions = RepositoryFiles.CentralPackageVersions();

        Assert.That(versions["Microsoft.Extensions.Hosting"], Does.Match(@"^\d+\.\d+\.\d+"));
    }
}

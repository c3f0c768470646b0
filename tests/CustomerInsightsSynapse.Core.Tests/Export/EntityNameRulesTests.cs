using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Export;

/// <summary>Issue 24 item 3: names are checked once, by the rules SQL and the lake use; a bad name fails its entity alone.</summary>
public sealed class EntityNameRulesTests
{
    private static CdmEntity Entity(string name, params string[] attributes) =>
        new(name, (attributes.Length == 0 ? ["Id"] : attributes).Select(a => new CdmAttribute(a, "string")).ToArray(), []);

    [Fact]
    public void An200CharacterAttribute_FailsItsEntityAlone_NamingEntityAndAttribute()
    {
        var longName = new string('a', 200);
        var (nameable, refused) = EntityNameRules.Split([Entity("Customer"), Entity("Wide", "Id", longName), Entity("Orders")]);

        Assert.Equal(["Customer", "Orders"], nameable.Select(e => e.Name));
        var (entity, error) = Assert.Single(refused);
        Assert.Equal("Wide", entity.Name);
        Assert.Equal(ErrorIds.AttributeNameUnusable, error.ErrorId);
        Assert.Contains("entity 'Wide'", error.Message, StringComparison.Ordinal);
        Assert.Contains(longName, error.Message, StringComparison.Ordinal);
        Assert.Contains("200 characters", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.RecommendedAction);
    }

    [Theory]
    [InlineData("a\u0001b")]
    [InlineData("line\nbreak")]
    [InlineData("")]
    public void AttributesSqlCannotName_AreRefused(string attribute) =>
        Assert.Equal(ErrorIds.AttributeNameUnusable, EntityNameRules.Problem(Entity("E", "Id", attribute))?.ErrorId);

    [Theory]
    [InlineData("Sales#1")]
    [InlineData("100%")]
    [InlineData("All*")]
    [InlineData("What?")]
    [InlineData("a/b")]
    [InlineData("Trailing.")]
    [InlineData("_sql")]
    [InlineData("_RUNS")]
    [InlineData("_lock")]
    [InlineData("Model.json")]
    [InlineData("tab\there")]
    public void EntityNamesTheLakeOrAViewCannotHold_AreRefused(string name) =>
        Assert.Equal(ErrorIds.EntityNameUnusable, EntityNameRules.Problem(Entity(name))?.ErrorId);

    [Fact]
    public void EntityNameOf129Characters_IsRefused() =>
        Assert.Equal(ErrorIds.EntityNameUnusable, EntityNameRules.Problem(Entity(new string('e', 129)))?.ErrorId);

    [Theory]
    [InlineData("Strasse", "Straße")]
    [InlineData("ABC", "ＡＢＣ")]
    [InlineData("Orders", "ORDERS")]
    [InlineData("Café", "Cafe\u0301")]
    public void EntitiesEqualUnderTheCollation_AreBothRefused(string first, string second)
    {
        var (nameable, refused) = EntityNameRules.Split([Entity(first), Entity("Other"), Entity(second)]);

        Assert.Equal(["Other"], nameable.Select(e => e.Name));
        Assert.Equal([first, second], refused.Select(r => r.Entity.Name));
        Assert.All(refused, r => Assert.Equal(ErrorIds.SqlNameCollision, r.Error.ErrorId));
    }

    [Fact]
    public void AttributesEqualUnderTheCollation_FailTheirEntity()
    {
        var error = EntityNameRules.Problem(Entity("E", "Straße", "Strasse"));

        Assert.Equal(ErrorIds.SqlNameCollision, error?.ErrorId);
        Assert.Contains("'Strasse'", error!.Message, StringComparison.Ordinal);
        Assert.Contains("'Straße'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Resume", "Résumé")]
    [InlineData("Kunde", "Kunden")]
    public void NamesTheCollationTellsApart_AreKept(string first, string second) =>
        Assert.Equal(2, EntityNameRules.Split([Entity(first), Entity(second)]).Nameable.Count);

    [Fact]
    public void TheSqlGeneratorComparesAttributesByTheSameRule()
    {
        var entity = new CdmEntity("E", [new CdmAttribute("ABC", "string"), new CdmAttribute("ＡＢＣ", "string")], [new CdmPartition("https://x.blob.core.windows.net/c/p.csv", PartitionFormat.Csv)]);

        var ex = Assert.Throws<CISynapseException>(() => ServerlessSqlGenerator.Generate(new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(entity, "Db/E/1")])));

        Assert.Equal(ErrorIds.DuplicateSqlName, ex.ErrorId);
        Assert.Equal(ErrorIds.SqlNameCollision, EntityNameRules.Problem(entity)?.ErrorId);
    }
}

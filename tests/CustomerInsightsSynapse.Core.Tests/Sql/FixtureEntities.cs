using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>
/// The entities of the shared fixtures microsoft-cdm/docs/schema/examples/OrdersProducts/model.json and
/// OrdersProductsCustomersLinked/model.json, built by hand (same names, order and data types).
/// </summary>
internal static class FixtureEntities
{
    public const string OrdersProductsDatabase = "OrdersProductsV3";
    public const string CustomersLinkedDatabase = "OrdersProductsCustomersLinked";
    public const string SnapshotId = "20261129T064600Z";

    public static DataLakeContainer Lake { get; } = DataLakeContainer.ForAccount("contosolake", "customerinsights");

    public static CdmEntity Orders(PartitionFormat format, CsvFormat? csv = null) => Entity(
        "Orders",
        format,
        csv,
        ("OrderID", "int64"),
        ("CustomerID", "string"),
        ("EmployeeID", "int64"),
        ("OrderDate", "dateTime"),
        ("RequiredDate", "dateTime"),
        ("ShippedDate", "dateTime"),
        ("ShipVia", "int64"),
        ("Freight", "decimal"),
        ("ShipName", "string"),
        ("ShipAddress", "string"),
        ("ShipCity", "string"),
        ("ShipRegion", "string"),
        ("ShipPostalCode", "string"),
        ("ShipCountry", "string"));

    public static CdmEntity Products(PartitionFormat format, CsvFormat? csv = null) => Entity(
        "Products",
        format,
        csv,
        ("productId", "string"),
        ("name", "string"),
        ("supplierName", "string"),
        ("CategoryID", "int64"),
        ("size", "string"),
        ("price", "double"),
        ("UnitsInStock", "int64"),
        ("UnitsOnOrder", "int64"),
        ("ReorderLevel", "int64"),
        ("Discontinued", "boolean"),
        ("createdOn", "dateTime"),
        ("createdBy", "string"),
        ("modifiedOn", "dateTime"),
        ("modifiedBy", "string"),
        ("createdOnBehalfBy", "string"),
        ("modifiedOnBehalfBy", "string"),
        ("organizationId", "string"),
        ("versionNumber", "int64"),
        ("importSequenceNumber", "int64"),
        ("overriddenCreatedOn", "dateTime"),
        ("timeZoneRuleVersionNumber", "int64"),
        ("UTCConversionTimeZoneCode", "int64"),
        ("processId", "string"),
        ("stageId", "string"),
        ("traversedPath", "string"),
        ("vendorID", "string"),
        ("validFromDate", "dateTime"),
        ("validToDate", "dateTime"),
        ("currentCost", "double"),
        ("transactionCurrencyId", "string"),
        ("exchangeRate", "double"),
        ("currentCostBase", "double"),
        ("defaultUoMId", "string"),
        ("defaultUoMScheduleId", "string"),
        ("description", "string"),
        ("isKit", "boolean"),
        ("isStockItem", "boolean"),
        ("parentProductId", "string"),
        ("priceBase", "double"),
        ("productStructure", "int64"),
        ("productStructure_display", "string"),
        ("productNumber", "string"),
        ("productTypeCode", "int64"),
        ("productTypeCode_display", "string"),
        ("productUrl", "string"),
        ("quantityDecimal", "int64"),
        ("quantityOnHand", "double"),
        ("standardCost", "double"),
        ("standardCostBase", "double"),
        ("stateCode", "int64"),
        ("stateCode_display", "string"),
        ("statusCode", "int64"),
        ("statusCode_display", "string"),
        ("stockVolume", "double"),
        ("stockWeight", "double"),
        ("vendorName", "string"),
        ("vendorPartNumber", "string"),
        ("hierarchyPath", "string"),
        ("priceLevelId", "string"),
        ("subjectId", "string"),
        ("entityImageId", "string"),
        ("createdByExternalParty", "string"),
        ("modifiedByExternalParty", "string"),
        ("form", "string"),
        ("isBrand", "boolean"),
        ("isOvertheCounter", "boolean"),
        ("medicationCode", "string"),
        ("packageContainer", "string"));

    public static CdmEntity Customers(PartitionFormat format, CsvFormat? csv = null) => Entity(
        "Customers",
        format,
        csv,
        ("CustomerID", "string"),
        ("CompanyName", "string"),
        ("ContactName", "string"),
        ("ContactTitle", "string"),
        ("Address", "string"),
        ("City", "string"),
        ("Region", "string"),
        ("PostalCode", "string"),
        ("Country", "string"),
        ("Phone", "string"),
        ("Fax", "string"));

    /// <summary>One attribute per CDM type of the map, strings with and without maxLength.</summary>
    public static CdmEntity EveryCdmType(CsvFormat csv) =>
        new("Typed", EveryCdmTypeAttributes(), [new CdmPartition("https://contosolake.blob.core.windows.net/source/Typed/Part001.csv", PartitionFormat.Csv, csv, Name: "Part001")]);

    /// <summary>The same attributes without partitions: a view with no rows.</summary>
    public static CdmEntity EveryCdmTypeWithoutPartitions() => new("TypedEmpty", EveryCdmTypeAttributes(), []);

    private static List<CdmAttribute> EveryCdmTypeAttributes() =>
    [
        new("Name", "string", MaxLength: 100),
        new("Notes", "string"),
        new("Small", "int16"),
        new("Count", "int32"),
        new("Id", "int64"),
        new("Ratio", "double"),
        new("Score", "float"),
        new("Amount", "decimal", Precision: 19, Scale: 4),
        new("Active", "boolean"),
        new("Key", "guid"),
        new("Birthday", "date"),
        new("Created", "dateTime"),
        new("Seen", "dateTimeOffset"),
        new("Opens", "time"),
        new("Payload", "json"),
    ];

    public static LandedEntity Landed(string database, CdmEntity entity) =>
        new(entity, $"{database}/{entity.Name}/{SnapshotId}");

    private static CdmEntity Entity(string name, PartitionFormat format, CsvFormat? csv, params (string Name, string DataType)[] attributes)
    {
        var extension = format == PartitionFormat.Parquet ? "parquet" : "csv";
        var partition = new CdmPartition(
            $"https://contosolake.blob.core.windows.net/source/{name}/Part001.{extension}",
            format,
            format == PartitionFormat.Csv ? csv ?? CsvFormat.Default : null,
            Name: "Part001");
        return new CdmEntity(name, attributes.Select(a => new CdmAttribute(a.Name, a.DataType)).ToList(), [partition]);
    }
}

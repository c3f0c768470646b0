-- CustomerInsightsSynapse: Synapse serverless SQL deployment script (generated; edits are overwritten).
-- Query access mode: WorkspaceIdentity.
-- The master key password is not stored. Supply one for $(CISynapseMasterKeyPassword) (sqlcmd -v CISynapseMasterKeyPassword=...);
-- it is used only if the database has no master key yet and is not needed afterwards.

-- Batch 1 of 7: CreateDatabase
IF DB_ID(N'OrdersProductsV3') IS NULL
    CREATE DATABASE [OrdersProductsV3] COLLATE Latin1_General_100_CI_AS_SC_UTF8;
GO

USE [OrdersProductsV3];
GO

-- Batch 2 of 7: MasterKey
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(CISynapseMasterKeyPassword)';
GO

-- Batch 3 of 7: Credential
IF NOT EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = N'CISynapseWorkspaceIdentity')
    CREATE DATABASE SCOPED CREDENTIAL [CISynapseWorkspaceIdentity] WITH IDENTITY = N'Managed Identity';
GO

-- Batch 4 of 7: ReaderRole
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'CISynapseReaders' AND type = 'R')
    CREATE ROLE [CISynapseReaders];
GRANT SELECT ON SCHEMA::[dbo] TO [CISynapseReaders];
EXEC (N'GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[CISynapseWorkspaceIdentity] TO [CISynapseReaders];');
GO

-- Batch 5 of 7: DataSource
IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'CISynapseDataLake_fec2d119ac7e')
    CREATE EXTERNAL DATA SOURCE [CISynapseDataLake_fec2d119ac7e] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights/OrdersProductsV3', CREDENTIAL = [CISynapseWorkspaceIdentity]);
GO

-- Batch 6 of 7: View
CREATE OR ALTER VIEW [dbo].[Orders]
AS
SELECT
    TRY_CONVERT(bigint, NULLIF([OrderID], '')) AS [OrderID],
    [CustomerID] AS [CustomerID],
    TRY_CONVERT(bigint, NULLIF([EmployeeID], '')) AS [EmployeeID],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([OrderDate], ''), 127), '+00:00')) AS [OrderDate],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([RequiredDate], ''), 127), '+00:00')) AS [RequiredDate],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([ShippedDate], ''), 127), '+00:00')) AS [ShippedDate],
    TRY_CONVERT(bigint, NULLIF([ShipVia], '')) AS [ShipVia],
    TRY_CONVERT(decimal(38,18), NULLIF([Freight], '')) AS [Freight],
    [ShipName] AS [ShipName],
    [ShipAddress] AS [ShipAddress],
    [ShipCity] AS [ShipCity],
    [ShipRegion] AS [ShipRegion],
    [ShipPostalCode] AS [ShipPostalCode],
    [ShipCountry] AS [ShipCountry]
FROM OPENROWSET(
    BULK N'Orders/20261129T064600Z/**',
    DATA_SOURCE = N'CISynapseDataLake_fec2d119ac7e',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = FALSE,
    FIELDTERMINATOR = N',',
    FIELDQUOTE = N'"'
) WITH (
    [OrderID] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [CustomerID] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [EmployeeID] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [OrderDate] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [RequiredDate] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShippedDate] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipVia] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Freight] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipName] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipAddress] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipCity] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipRegion] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipPostalCode] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipCountry] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8
) AS [r];
GO

-- Batch 7 of 7: View
CREATE OR ALTER VIEW [dbo].[Products]
AS
SELECT
    [productId] AS [productId],
    [name] AS [name],
    [supplierName] AS [supplierName],
    TRY_CONVERT(bigint, NULLIF([CategoryID], '')) AS [CategoryID],
    [size] AS [size],
    TRY_CONVERT(float, NULLIF([price], '')) AS [price],
    TRY_CONVERT(bigint, NULLIF([UnitsInStock], '')) AS [UnitsInStock],
    TRY_CONVERT(bigint, NULLIF([UnitsOnOrder], '')) AS [UnitsOnOrder],
    TRY_CONVERT(bigint, NULLIF([ReorderLevel], '')) AS [ReorderLevel],
    TRY_CONVERT(bit, NULLIF([Discontinued], '')) AS [Discontinued],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([createdOn], ''), 127), '+00:00')) AS [createdOn],
    [createdBy] AS [createdBy],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([modifiedOn], ''), 127), '+00:00')) AS [modifiedOn],
    [modifiedBy] AS [modifiedBy],
    [createdOnBehalfBy] AS [createdOnBehalfBy],
    [modifiedOnBehalfBy] AS [modifiedOnBehalfBy],
    [organizationId] AS [organizationId],
    TRY_CONVERT(bigint, NULLIF([versionNumber], '')) AS [versionNumber],
    TRY_CONVERT(bigint, NULLIF([importSequenceNumber], '')) AS [importSequenceNumber],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([overriddenCreatedOn], ''), 127), '+00:00')) AS [overriddenCreatedOn],
    TRY_CONVERT(bigint, NULLIF([timeZoneRuleVersionNumber], '')) AS [timeZoneRuleVersionNumber],
    TRY_CONVERT(bigint, NULLIF([UTCConversionTimeZoneCode], '')) AS [UTCConversionTimeZoneCode],
    [processId] AS [processId],
    [stageId] AS [stageId],
    [traversedPath] AS [traversedPath],
    [vendorID] AS [vendorID],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([validFromDate], ''), 127), '+00:00')) AS [validFromDate],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([validToDate], ''), 127), '+00:00')) AS [validToDate],
    TRY_CONVERT(float, NULLIF([currentCost], '')) AS [currentCost],
    [transactionCurrencyId] AS [transactionCurrencyId],
    TRY_CONVERT(float, NULLIF([exchangeRate], '')) AS [exchangeRate],
    TRY_CONVERT(float, NULLIF([currentCostBase], '')) AS [currentCostBase],
    [defaultUoMId] AS [defaultUoMId],
    [defaultUoMScheduleId] AS [defaultUoMScheduleId],
    [description] AS [description],
    TRY_CONVERT(bit, NULLIF([isKit], '')) AS [isKit],
    TRY_CONVERT(bit, NULLIF([isStockItem], '')) AS [isStockItem],
    [parentProductId] AS [parentProductId],
    TRY_CONVERT(float, NULLIF([priceBase], '')) AS [priceBase],
    TRY_CONVERT(bigint, NULLIF([productStructure], '')) AS [productStructure],
    [productStructure_display] AS [productStructure_display],
    [productNumber] AS [productNumber],
    TRY_CONVERT(bigint, NULLIF([productTypeCode], '')) AS [productTypeCode],
    [productTypeCode_display] AS [productTypeCode_display],
    [productUrl] AS [productUrl],
    TRY_CONVERT(bigint, NULLIF([quantityDecimal], '')) AS [quantityDecimal],
    TRY_CONVERT(float, NULLIF([quantityOnHand], '')) AS [quantityOnHand],
    TRY_CONVERT(float, NULLIF([standardCost], '')) AS [standardCost],
    TRY_CONVERT(float, NULLIF([standardCostBase], '')) AS [standardCostBase],
    TRY_CONVERT(bigint, NULLIF([stateCode], '')) AS [stateCode],
    [stateCode_display] AS [stateCode_display],
    TRY_CONVERT(bigint, NULLIF([statusCode], '')) AS [statusCode],
    [statusCode_display] AS [statusCode_display],
    TRY_CONVERT(float, NULLIF([stockVolume], '')) AS [stockVolume],
    TRY_CONVERT(float, NULLIF([stockWeight], '')) AS [stockWeight],
    [vendorName] AS [vendorName],
    [vendorPartNumber] AS [vendorPartNumber],
    [hierarchyPath] AS [hierarchyPath],
    [priceLevelId] AS [priceLevelId],
    [subjectId] AS [subjectId],
    [entityImageId] AS [entityImageId],
    [createdByExternalParty] AS [createdByExternalParty],
    [modifiedByExternalParty] AS [modifiedByExternalParty],
    [form] AS [form],
    TRY_CONVERT(bit, NULLIF([isBrand], '')) AS [isBrand],
    TRY_CONVERT(bit, NULLIF([isOvertheCounter], '')) AS [isOvertheCounter],
    [medicationCode] AS [medicationCode],
    [packageContainer] AS [packageContainer]
FROM OPENROWSET(
    BULK N'Products/20261129T064600Z/**',
    DATA_SOURCE = N'CISynapseDataLake_fec2d119ac7e',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = FALSE,
    FIELDTERMINATOR = N',',
    FIELDQUOTE = N'"'
) WITH (
    [productId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [name] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [supplierName] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [CategoryID] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [size] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [price] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [UnitsInStock] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [UnitsOnOrder] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ReorderLevel] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Discontinued] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [createdOn] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [createdBy] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [modifiedOn] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [modifiedBy] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [createdOnBehalfBy] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [modifiedOnBehalfBy] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [organizationId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [versionNumber] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [importSequenceNumber] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [overriddenCreatedOn] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [timeZoneRuleVersionNumber] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [UTCConversionTimeZoneCode] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [processId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [stageId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [traversedPath] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [vendorID] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [validFromDate] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [validToDate] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [currentCost] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [transactionCurrencyId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [exchangeRate] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [currentCostBase] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [defaultUoMId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [defaultUoMScheduleId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [description] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [isKit] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [isStockItem] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [parentProductId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [priceBase] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [productStructure] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [productStructure_display] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [productNumber] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [productTypeCode] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [productTypeCode_display] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [productUrl] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [quantityDecimal] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [quantityOnHand] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [standardCost] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [standardCostBase] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [stateCode] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [stateCode_display] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [statusCode] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [statusCode_display] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [stockVolume] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [stockWeight] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [vendorName] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [vendorPartNumber] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [hierarchyPath] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [priceLevelId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [subjectId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [entityImageId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [createdByExternalParty] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [modifiedByExternalParty] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [form] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [isBrand] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [isOvertheCounter] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [medicationCode] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [packageContainer] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8
) AS [r];
GO

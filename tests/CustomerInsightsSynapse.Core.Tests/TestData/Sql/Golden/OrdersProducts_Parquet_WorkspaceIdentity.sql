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
    [OrderID] AS [OrderID],
    [CustomerID] AS [CustomerID],
    [EmployeeID] AS [EmployeeID],
    [OrderDate] AS [OrderDate],
    [RequiredDate] AS [RequiredDate],
    [ShippedDate] AS [ShippedDate],
    [ShipVia] AS [ShipVia],
    [Freight] AS [Freight],
    [ShipName] AS [ShipName],
    [ShipAddress] AS [ShipAddress],
    [ShipCity] AS [ShipCity],
    [ShipRegion] AS [ShipRegion],
    [ShipPostalCode] AS [ShipPostalCode],
    [ShipCountry] AS [ShipCountry]
FROM OPENROWSET(
    BULK N'Orders/20261129T064600Z/**',
    DATA_SOURCE = N'CISynapseDataLake_fec2d119ac7e',
    FORMAT = 'PARQUET'
) WITH (
    [OrderID] bigint,
    [CustomerID] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [EmployeeID] bigint,
    [OrderDate] datetime2(7),
    [RequiredDate] datetime2(7),
    [ShippedDate] datetime2(7),
    [ShipVia] bigint,
    [Freight] decimal(38,18),
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
    [CategoryID] AS [CategoryID],
    [size] AS [size],
    [price] AS [price],
    [UnitsInStock] AS [UnitsInStock],
    [UnitsOnOrder] AS [UnitsOnOrder],
    [ReorderLevel] AS [ReorderLevel],
    [Discontinued] AS [Discontinued],
    [createdOn] AS [createdOn],
    [createdBy] AS [createdBy],
    [modifiedOn] AS [modifiedOn],
    [modifiedBy] AS [modifiedBy],
    [createdOnBehalfBy] AS [createdOnBehalfBy],
    [modifiedOnBehalfBy] AS [modifiedOnBehalfBy],
    [organizationId] AS [organizationId],
    [versionNumber] AS [versionNumber],
    [importSequenceNumber] AS [importSequenceNumber],
    [overriddenCreatedOn] AS [overriddenCreatedOn],
    [timeZoneRuleVersionNumber] AS [timeZoneRuleVersionNumber],
    [UTCConversionTimeZoneCode] AS [UTCConversionTimeZoneCode],
    [processId] AS [processId],
    [stageId] AS [stageId],
    [traversedPath] AS [traversedPath],
    [vendorID] AS [vendorID],
    [validFromDate] AS [validFromDate],
    [validToDate] AS [validToDate],
    [currentCost] AS [currentCost],
    [transactionCurrencyId] AS [transactionCurrencyId],
    [exchangeRate] AS [exchangeRate],
    [currentCostBase] AS [currentCostBase],
    [defaultUoMId] AS [defaultUoMId],
    [defaultUoMScheduleId] AS [defaultUoMScheduleId],
    [description] AS [description],
    [isKit] AS [isKit],
    [isStockItem] AS [isStockItem],
    [parentProductId] AS [parentProductId],
    [priceBase] AS [priceBase],
    [productStructure] AS [productStructure],
    [productStructure_display] AS [productStructure_display],
    [productNumber] AS [productNumber],
    [productTypeCode] AS [productTypeCode],
    [productTypeCode_display] AS [productTypeCode_display],
    [productUrl] AS [productUrl],
    [quantityDecimal] AS [quantityDecimal],
    [quantityOnHand] AS [quantityOnHand],
    [standardCost] AS [standardCost],
    [standardCostBase] AS [standardCostBase],
    [stateCode] AS [stateCode],
    [stateCode_display] AS [stateCode_display],
    [statusCode] AS [statusCode],
    [statusCode_display] AS [statusCode_display],
    [stockVolume] AS [stockVolume],
    [stockWeight] AS [stockWeight],
    [vendorName] AS [vendorName],
    [vendorPartNumber] AS [vendorPartNumber],
    [hierarchyPath] AS [hierarchyPath],
    [priceLevelId] AS [priceLevelId],
    [subjectId] AS [subjectId],
    [entityImageId] AS [entityImageId],
    [createdByExternalParty] AS [createdByExternalParty],
    [modifiedByExternalParty] AS [modifiedByExternalParty],
    [form] AS [form],
    [isBrand] AS [isBrand],
    [isOvertheCounter] AS [isOvertheCounter],
    [medicationCode] AS [medicationCode],
    [packageContainer] AS [packageContainer]
FROM OPENROWSET(
    BULK N'Products/20261129T064600Z/**',
    DATA_SOURCE = N'CISynapseDataLake_fec2d119ac7e',
    FORMAT = 'PARQUET'
) WITH (
    [productId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [name] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [supplierName] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [CategoryID] bigint,
    [size] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [price] float,
    [UnitsInStock] bigint,
    [UnitsOnOrder] bigint,
    [ReorderLevel] bigint,
    [Discontinued] bit,
    [createdOn] datetime2(7),
    [createdBy] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [modifiedOn] datetime2(7),
    [modifiedBy] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [createdOnBehalfBy] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [modifiedOnBehalfBy] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [organizationId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [versionNumber] bigint,
    [importSequenceNumber] bigint,
    [overriddenCreatedOn] datetime2(7),
    [timeZoneRuleVersionNumber] bigint,
    [UTCConversionTimeZoneCode] bigint,
    [processId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [stageId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [traversedPath] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [vendorID] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [validFromDate] datetime2(7),
    [validToDate] datetime2(7),
    [currentCost] float,
    [transactionCurrencyId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [exchangeRate] float,
    [currentCostBase] float,
    [defaultUoMId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [defaultUoMScheduleId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [description] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [isKit] bit,
    [isStockItem] bit,
    [parentProductId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [priceBase] float,
    [productStructure] bigint,
    [productStructure_display] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [productNumber] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [productTypeCode] bigint,
    [productTypeCode_display] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [productUrl] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [quantityDecimal] bigint,
    [quantityOnHand] float,
    [standardCost] float,
    [standardCostBase] float,
    [stateCode] bigint,
    [stateCode_display] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [statusCode] bigint,
    [statusCode_display] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [stockVolume] float,
    [stockWeight] float,
    [vendorName] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [vendorPartNumber] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [hierarchyPath] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [priceLevelId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [subjectId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [entityImageId] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [createdByExternalParty] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [modifiedByExternalParty] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [form] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [isBrand] bit,
    [isOvertheCounter] bit,
    [medicationCode] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [packageContainer] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8
) AS [r];
GO

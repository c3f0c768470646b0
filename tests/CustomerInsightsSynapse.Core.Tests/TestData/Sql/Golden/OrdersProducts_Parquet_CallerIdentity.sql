-- CustomerInsightsSynapse: Synapse serverless SQL deployment script (generated; edits are overwritten).
-- Query access mode: CallerIdentity.

-- Batch 1 of 5: CreateDatabase
IF DB_ID(N'OrdersProductsV3') IS NULL
    CREATE DATABASE [OrdersProductsV3] COLLATE Latin1_General_100_CI_AS_SC_UTF8;
GO

USE [OrdersProductsV3];
GO

-- Batch 2 of 5: ReaderRole
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'CISynapseReaders' AND type = 'R')
    CREATE ROLE [CISynapseReaders];
GRANT SELECT ON SCHEMA::[dbo] TO [CISynapseReaders];
GO

-- Batch 3 of 5: DataSource
IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'CISynapseDataLake_192719e595fb')
    CREATE EXTERNAL DATA SOURCE [CISynapseDataLake_192719e595fb] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights/OrdersProductsV3');
GO

-- Batch 4 of 5: View
CREATE OR ALTER VIEW [dbo].[Orders]
AS
SELECT
    [r].[OrderID] AS [OrderID],
    [r].[CustomerID] AS [CustomerID],
    [r].[EmployeeID] AS [EmployeeID],
    [r].[OrderDate] AS [OrderDate],
    [r].[RequiredDate] AS [RequiredDate],
    [r].[ShippedDate] AS [ShippedDate],
    [r].[ShipVia] AS [ShipVia],
    [r].[Freight] AS [Freight],
    [r].[ShipName] AS [ShipName],
    [r].[ShipAddress] AS [ShipAddress],
    [r].[ShipCity] AS [ShipCity],
    [r].[ShipRegion] AS [ShipRegion],
    [r].[ShipPostalCode] AS [ShipPostalCode],
    [r].[ShipCountry] AS [ShipCountry]
FROM OPENROWSET(
    BULK N'Orders/20261129T064600Z/**',
    DATA_SOURCE = N'CISynapseDataLake_192719e595fb',
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

-- Batch 5 of 5: View
CREATE OR ALTER VIEW [dbo].[Products]
AS
SELECT
    [r].[productId] AS [productId],
    [r].[name] AS [name],
    [r].[supplierName] AS [supplierName],
    [r].[CategoryID] AS [CategoryID],
    [r].[size] AS [size],
    [r].[price] AS [price],
    [r].[UnitsInStock] AS [UnitsInStock],
    [r].[UnitsOnOrder] AS [UnitsOnOrder],
    [r].[ReorderLevel] AS [ReorderLevel],
    [r].[Discontinued] AS [Discontinued],
    [r].[createdOn] AS [createdOn],
    [r].[createdBy] AS [createdBy],
    [r].[modifiedOn] AS [modifiedOn],
    [r].[modifiedBy] AS [modifiedBy],
    [r].[createdOnBehalfBy] AS [createdOnBehalfBy],
    [r].[modifiedOnBehalfBy] AS [modifiedOnBehalfBy],
    [r].[organizationId] AS [organizationId],
    [r].[versionNumber] AS [versionNumber],
    [r].[importSequenceNumber] AS [importSequenceNumber],
    [r].[overriddenCreatedOn] AS [overriddenCreatedOn],
    [r].[timeZoneRuleVersionNumber] AS [timeZoneRuleVersionNumber],
    [r].[UTCConversionTimeZoneCode] AS [UTCConversionTimeZoneCode],
    [r].[processId] AS [processId],
    [r].[stageId] AS [stageId],
    [r].[traversedPath] AS [traversedPath],
    [r].[vendorID] AS [vendorID],
    [r].[validFromDate] AS [validFromDate],
    [r].[validToDate] AS [validToDate],
    [r].[currentCost] AS [currentCost],
    [r].[transactionCurrencyId] AS [transactionCurrencyId],
    [r].[exchangeRate] AS [exchangeRate],
    [r].[currentCostBase] AS [currentCostBase],
    [r].[defaultUoMId] AS [defaultUoMId],
    [r].[defaultUoMScheduleId] AS [defaultUoMScheduleId],
    [r].[description] AS [description],
    [r].[isKit] AS [isKit],
    [r].[isStockItem] AS [isStockItem],
    [r].[parentProductId] AS [parentProductId],
    [r].[priceBase] AS [priceBase],
    [r].[productStructure] AS [productStructure],
    [r].[productStructure_display] AS [productStructure_display],
    [r].[productNumber] AS [productNumber],
    [r].[productTypeCode] AS [productTypeCode],
    [r].[productTypeCode_display] AS [productTypeCode_display],
    [r].[productUrl] AS [productUrl],
    [r].[quantityDecimal] AS [quantityDecimal],
    [r].[quantityOnHand] AS [quantityOnHand],
    [r].[standardCost] AS [standardCost],
    [r].[standardCostBase] AS [standardCostBase],
    [r].[stateCode] AS [stateCode],
    [r].[stateCode_display] AS [stateCode_display],
    [r].[statusCode] AS [statusCode],
    [r].[statusCode_display] AS [statusCode_display],
    [r].[stockVolume] AS [stockVolume],
    [r].[stockWeight] AS [stockWeight],
    [r].[vendorName] AS [vendorName],
    [r].[vendorPartNumber] AS [vendorPartNumber],
    [r].[hierarchyPath] AS [hierarchyPath],
    [r].[priceLevelId] AS [priceLevelId],
    [r].[subjectId] AS [subjectId],
    [r].[entityImageId] AS [entityImageId],
    [r].[createdByExternalParty] AS [createdByExternalParty],
    [r].[modifiedByExternalParty] AS [modifiedByExternalParty],
    [r].[form] AS [form],
    [r].[isBrand] AS [isBrand],
    [r].[isOvertheCounter] AS [isOvertheCounter],
    [r].[medicationCode] AS [medicationCode],
    [r].[packageContainer] AS [packageContainer]
FROM OPENROWSET(
    BULK N'Products/20261129T064600Z/**',
    DATA_SOURCE = N'CISynapseDataLake_192719e595fb',
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

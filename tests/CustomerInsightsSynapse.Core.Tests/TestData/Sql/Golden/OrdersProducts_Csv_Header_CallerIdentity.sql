-- CustomerInsightsSynapse: Synapse serverless SQL deployment script (generated; edits are overwritten).
-- Query access mode: CallerIdentity.

-- Batch 1 of 4: CreateDatabase
IF DB_ID(N'OrdersProductsV3') IS NULL
    CREATE DATABASE [OrdersProductsV3] COLLATE Latin1_General_100_CI_AS_SC_UTF8;
GO

USE [OrdersProductsV3];
GO

-- Batch 2 of 4: DataSource
IF EXISTS (SELECT 1 FROM sys.external_data_sources AS ds
           WHERE ds.name = N'CISynapseDataLake'
             AND (ds.location <> N'https://contosolake.dfs.core.windows.net/customerinsights'
                  OR ISNULL(ds.credential_id, 0) <> 0))
    DROP EXTERNAL DATA SOURCE [CISynapseDataLake];
IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'CISynapseDataLake')
    CREATE EXTERNAL DATA SOURCE [CISynapseDataLake] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights');
GO

-- Batch 3 of 4: View
CREATE OR ALTER VIEW [dbo].[Orders]
AS
SELECT *
FROM OPENROWSET(
    BULK N'OrdersProductsV3/Orders/20261129T064600Z/*',
    DATA_SOURCE = N'CISynapseDataLake',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = TRUE,
    FIELDTERMINATOR = N',',
    FIELDQUOTE = N'"'
) WITH (
    [OrderID] bigint,
    [CustomerID] nvarchar(4000),
    [EmployeeID] bigint,
    [OrderDate] datetime2(7),
    [RequiredDate] datetime2(7),
    [ShippedDate] datetime2(7),
    [ShipVia] bigint,
    [Freight] decimal(38,18),
    [ShipName] nvarchar(4000),
    [ShipAddress] nvarchar(4000),
    [ShipCity] nvarchar(4000),
    [ShipRegion] nvarchar(4000),
    [ShipPostalCode] nvarchar(4000),
    [ShipCountry] nvarchar(4000)
) AS [r];
GO

-- Batch 4 of 4: View
CREATE OR ALTER VIEW [dbo].[Products]
AS
SELECT *
FROM OPENROWSET(
    BULK N'OrdersProductsV3/Products/20261129T064600Z/*',
    DATA_SOURCE = N'CISynapseDataLake',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = TRUE,
    FIELDTERMINATOR = N',',
    FIELDQUOTE = N'"'
) WITH (
    [productId] nvarchar(4000),
    [name] nvarchar(4000),
    [supplierName] nvarchar(4000),
    [CategoryID] bigint,
    [size] nvarchar(4000),
    [price] float,
    [UnitsInStock] bigint,
    [UnitsOnOrder] bigint,
    [ReorderLevel] bigint,
    [Discontinued] bit,
    [createdOn] datetime2(7),
    [createdBy] nvarchar(4000),
    [modifiedOn] datetime2(7),
    [modifiedBy] nvarchar(4000),
    [createdOnBehalfBy] nvarchar(4000),
    [modifiedOnBehalfBy] nvarchar(4000),
    [organizationId] nvarchar(4000),
    [versionNumber] bigint,
    [importSequenceNumber] bigint,
    [overriddenCreatedOn] datetime2(7),
    [timeZoneRuleVersionNumber] bigint,
    [UTCConversionTimeZoneCode] bigint,
    [processId] nvarchar(4000),
    [stageId] nvarchar(4000),
    [traversedPath] nvarchar(4000),
    [vendorID] nvarchar(4000),
    [validFromDate] datetime2(7),
    [validToDate] datetime2(7),
    [currentCost] float,
    [transactionCurrencyId] nvarchar(4000),
    [exchangeRate] float,
    [currentCostBase] float,
    [defaultUoMId] nvarchar(4000),
    [defaultUoMScheduleId] nvarchar(4000),
    [description] nvarchar(4000),
    [isKit] bit,
    [isStockItem] bit,
    [parentProductId] nvarchar(4000),
    [priceBase] float,
    [productStructure] bigint,
    [productStructure_display] nvarchar(4000),
    [productNumber] nvarchar(4000),
    [productTypeCode] bigint,
    [productTypeCode_display] nvarchar(4000),
    [productUrl] nvarchar(4000),
    [quantityDecimal] bigint,
    [quantityOnHand] float,
    [standardCost] float,
    [standardCostBase] float,
    [stateCode] bigint,
    [stateCode_display] nvarchar(4000),
    [statusCode] bigint,
    [statusCode_display] nvarchar(4000),
    [stockVolume] float,
    [stockWeight] float,
    [vendorName] nvarchar(4000),
    [vendorPartNumber] nvarchar(4000),
    [hierarchyPath] nvarchar(4000),
    [priceLevelId] nvarchar(4000),
    [subjectId] nvarchar(4000),
    [entityImageId] nvarchar(4000),
    [createdByExternalParty] nvarchar(4000),
    [modifiedByExternalParty] nvarchar(4000),
    [form] nvarchar(4000),
    [isBrand] bit,
    [isOvertheCounter] bit,
    [medicationCode] nvarchar(4000),
    [packageContainer] nvarchar(4000)
) AS [r];
GO

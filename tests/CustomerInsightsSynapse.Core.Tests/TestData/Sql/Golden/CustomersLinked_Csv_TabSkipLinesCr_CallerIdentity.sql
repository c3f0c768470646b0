-- CustomerInsightsSynapse: Synapse serverless SQL deployment script (generated; edits are overwritten).
-- Query access mode: CallerIdentity.

-- Batch 1 of 4: CreateDatabase
IF DB_ID(N'OrdersProductsCustomersLinked') IS NULL
    CREATE DATABASE [OrdersProductsCustomersLinked] COLLATE Latin1_General_100_CI_AS_SC_UTF8;
GO

USE [OrdersProductsCustomersLinked];
GO

-- Batch 2 of 4: ReaderRole
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'CISynapseReaders' AND type = 'R')
    CREATE ROLE [CISynapseReaders];
GRANT SELECT ON SCHEMA::[dbo] TO [CISynapseReaders];
GO

-- Batch 3 of 4: DataSource
IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'CISynapseDataLake_5deaec48d91d')
    CREATE EXTERNAL DATA SOURCE [CISynapseDataLake_5deaec48d91d] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights/OrdersProductsCustomersLinked');
GO

-- Batch 4 of 4: View
CREATE OR ALTER VIEW [dbo].[Customers]
AS
SELECT
    [CustomerID] AS [CustomerID],
    [CompanyName] AS [CompanyName],
    [ContactName] AS [ContactName],
    [ContactTitle] AS [ContactTitle],
    [Address] AS [Address],
    [City] AS [City],
    [Region] AS [Region],
    [PostalCode] AS [PostalCode],
    [Country] AS [Country],
    [Phone] AS [Phone],
    [Fax] AS [Fax]
FROM OPENROWSET(
    BULK N'Customers/20261129T064600Z/**',
    DATA_SOURCE = N'CISynapseDataLake_5deaec48d91d',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = TRUE,
    FIRSTROW = 3,
    FIELDTERMINATOR = N'0x09',
    FIELDQUOTE = N'"',
    ROWTERMINATOR = N'0x0d'
) WITH (
    [CustomerID] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [CompanyName] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ContactName] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ContactTitle] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Address] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [City] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Region] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [PostalCode] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Country] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Phone] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Fax] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8
) AS [r];
GO

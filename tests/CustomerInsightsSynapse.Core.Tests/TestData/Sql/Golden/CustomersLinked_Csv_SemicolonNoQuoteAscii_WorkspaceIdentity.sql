-- CustomerInsightsSynapse: Synapse serverless SQL deployment script (generated; edits are overwritten).
-- Query access mode: WorkspaceIdentity.
-- The master key password is not stored. Supply one for $(CISynapseMasterKeyPassword) (sqlcmd -v CISynapseMasterKeyPassword=...);
-- it is used only if the database has no master key yet and is not needed afterwards.

-- Batch 1 of 6: CreateDatabase
IF DB_ID(N'OrdersProductsCustomersLinked') IS NULL
    CREATE DATABASE [OrdersProductsCustomersLinked] COLLATE Latin1_General_100_CI_AS_SC_UTF8;
GO

USE [OrdersProductsCustomersLinked];
GO

-- Batch 2 of 6: MasterKey
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(CISynapseMasterKeyPassword)';
GO

-- Batch 3 of 6: Credential
IF NOT EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = N'CISynapseWorkspaceIdentity')
    CREATE DATABASE SCOPED CREDENTIAL [CISynapseWorkspaceIdentity] WITH IDENTITY = N'Managed Identity';
GO

-- Batch 4 of 6: ReaderRole
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'CISynapseReaders' AND type = 'R')
    CREATE ROLE [CISynapseReaders];
GRANT SELECT ON SCHEMA::[dbo] TO [CISynapseReaders];
EXEC (N'GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[CISynapseWorkspaceIdentity] TO [CISynapseReaders];');
GO

-- Batch 5 of 6: DataSource
IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'CISynapseDataLake_38e72a8796ce')
    CREATE EXTERNAL DATA SOURCE [CISynapseDataLake_38e72a8796ce] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights/OrdersProductsCustomersLinked', CREDENTIAL = [CISynapseWorkspaceIdentity]);
GO

-- Batch 6 of 6: View
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
    DATA_SOURCE = N'CISynapseDataLake_38e72a8796ce',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = FALSE,
    FIELDTERMINATOR = N';',
    FIELDQUOTE = N'0x0b'
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

import t from 'tap';
import { bulkContract } from '../helpers/bulk-contract.js';

bulkContract(t, 'in-process');

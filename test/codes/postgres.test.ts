import t from 'tap';
import { codesContract } from '../helpers/codes/contract.js';

codesContract(t, 'postgres');
